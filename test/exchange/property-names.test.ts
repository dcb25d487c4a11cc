import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { addEntraServicePrincipal, adminToken, createExchangeContext, invoke } from './sandbox-fixture.ts';

/**
 * The properties each object carries as the real Exchange Online cmdlets return it, per Microsoft's
 * pages (docs/exchange-powershell.md "Property names the scripts read"). The sandbox must answer
 * with these names, and the generated scripts may read only these: a script that reads a cmdlet's
 * *parameter* name (e.g. RecipientRestrictionFilter) as a property would read $null in a tenant.
 */
const DOCUMENTED: Record<string, string[]> = {
  'Get-ManagementScope': ['Name', 'Identity', 'RecipientFilter', 'RecipientRoot', 'ScopeRestrictionType', 'Exclusive'],
  'Get-ManagementRoleAssignment': [
    'Name',
    'Identity',
    'Role',
    'RoleAssignee',
    'RoleAssigneeName',
    'RoleAssigneeType',
    'CustomResourceScope',
    'CustomRecipientWriteScope',
    'RecipientWriteScope',
    'Enabled',
  ],
  'Get-MailboxPermission': ['Identity', 'User', 'AccessRights', 'IsInherited', 'Deny', 'InheritanceType'],
  'Get-RecipientPermission': ['Identity', 'Trustee', 'AccessControlType', 'AccessRights', 'IsInherited', 'InheritanceType'],
  'Get-ServicePrincipal': ['Identity', 'Id', 'Name', 'DisplayName', 'AppId', 'ObjectId'],
  'Get-CASMailbox': ['Identity', 'PrimarySmtpAddress', 'SmtpClientAuthenticationDisabled'],
  // A subset of what Get-Mailbox returns: the ones the mailbox check reads and the ones naming it.
  'Get-Mailbox': ['Identity', 'DisplayName', 'PrimarySmtpAddress', 'RecipientTypeDetails', 'SKUAssigned'],
};

/** Properties the generated scripts read from each cmdlet's output (`$x.Property` in the templates). */
const READ_BY_TEMPLATES: Record<string, string[]> = {
  'management-scope': ['RecipientFilter'],
  'role-assignment': ['CustomResourceScope', 'RoleName', 'InScope'],
  'remove-role-assignment': ['CustomResourceScope', 'Identity'],
  'mailbox-permission': ['AccessRights', 'Identity'],
  'service-principal': ['AppId'],
  'smtp-auth': ['SmtpClientAuthenticationDisabled'],
  'mailbox-check': ['RecipientTypeDetails', 'SKUAssigned'],
};

describe('Exchange objects carry the property names the real cmdlets return', () => {
  it('the sandbox answers every Get-cmdlet the scripts use with exactly the documented properties', async () => {
    const ctx = await createExchangeContext();
    const token = await adminToken(ctx);
    const { appId, servicePrincipalId } = addEntraServicePrincipal(ctx);
    const run = async (cmdlet: string, parameters: Record<string, unknown>) => {
      const answer = await invoke(ctx, token, cmdlet, parameters);
      assert.equal(answer.status, 200, `${cmdlet}: ${JSON.stringify(answer.body)}`);
      return answer.body.value ?? [];
    };
    await run('New-ServicePrincipal', { AppId: appId, ObjectId: servicePrincipalId, DisplayName: 'Mailer' });
    await run('Add-MailboxPermission', { Identity: 'noreply@contoso.com', User: servicePrincipalId, AccessRights: ['FullAccess'] });
    await run('Add-RecipientPermission', { Identity: 'hr@contoso.com', Trustee: servicePrincipalId, AccessRights: ['SendAs'] });
    await run('New-ManagementScope', { Name: 'scope', RecipientRestrictionFilter: "PrimarySmtpAddress -eq 'noreply@contoso.com'" });
    await run('New-ManagementRoleAssignment', { App: servicePrincipalId, Role: 'Application Mail.Send', CustomResourceScope: 'scope' });
    const reads: Record<string, Record<string, unknown>> = {
      'Get-ManagementScope': { Identity: 'scope' },
      'Get-ManagementRoleAssignment': { RoleAssignee: servicePrincipalId, Role: 'Application Mail.Send' },
      'Get-MailboxPermission': { Identity: 'noreply@contoso.com', User: servicePrincipalId },
      'Get-RecipientPermission': { Identity: 'hr@contoso.com', Trustee: servicePrincipalId },
      'Get-ServicePrincipal': {},
      'Get-CASMailbox': { Identity: 'noreply@contoso.com' },
      'Get-Mailbox': { Identity: 'noreply@contoso.com' },
    };
    for (const [cmdlet, parameters] of Object.entries(reads)) {
      const [first] = await run(cmdlet, parameters);
      assert.ok(first, `${cmdlet} returned nothing`);
      assert.deepEqual(Object.keys(first).sort(), [...(DOCUMENTED[cmdlet] ?? [])].sort(), cmdlet);
    }
    const [scope] = await run('Get-ManagementScope', { Identity: 'scope' });
    assert.equal(scope?.RecipientFilter, "PrimarySmtpAddress -eq 'noreply@contoso.com'");
    const [ace] = await run('Get-MailboxPermission', { Identity: 'noreply@contoso.com', User: servicePrincipalId });
    assert.ok(Array.isArray(ace?.AccessRights), 'AccessRights is a list of rights');
  });

  it('the templates read only documented properties (and Test-ServicePrincipalAuthorization columns)', () => {
    const known = new Set([...Object.values(DOCUMENTED).flat(), 'RoleName', 'InScope', 'Exception', 'Message']);
    for (const [template, expected] of Object.entries(READ_BY_TEMPLATES)) {
      const text = readFileSync(new URL(`../../templates/powershell/${template}.ps1.tmpl`, import.meta.url), 'utf8');
      const read = [...text.matchAll(/\$(?:_|scope|sp|cas|assignment|authorization|ace|grant|box)\.([A-Za-z]+)/g)].map((m) => m[1] ?? '');
      for (const property of read) assert.ok(known.has(property), `${template} reads ${property}, which the cmdlet does not return`);
      for (const property of expected) assert.ok(read.includes(property), `${template} reads ${property}`);
    }
  });
});
