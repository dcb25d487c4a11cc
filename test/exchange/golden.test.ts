import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.ts';
import { renderExchangeRemovalScript, renderExchangeScript } from '../../src/exchange/script.ts';
import { renderFragment } from '../../src/exchange/fragments.ts';
import { findSyntaxError, parsePowerShell } from '../../src/sandbox/pwsh/grammar.ts';
import { commandUses, decodeLikePowerShell, literalAssignments } from './ast.ts';
import { GOLDEN_INPUTS } from './golden-inputs.ts';

const render = (name: string) => {
  const input = GOLDEN_INPUTS[name]!;
  return name.endsWith('-removal') ? renderExchangeRemovalScript(input) : renderExchangeScript(input);
};
const golden = (name: string) => readFileSync(new URL(`./golden/${name}.ps1`, import.meta.url), 'utf8');

/** The cmdlets each golden script may contain, and nothing else (the stand-in refuses the rest too). */
const EXPECTED_COMMANDS: Record<string, string[]> = {
  smtp: [
    'Add-MailboxPermission',
    'Add-RecipientPermission',
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'Disconnect-ExchangeOnline',
    'Get-CASMailbox',
    'Get-Mailbox',
    'Get-MailboxPermission',
    'Get-RecipientPermission',
    'Get-ServicePrincipal',
    'New-ServicePrincipal',
    'Set-CASMailbox',
    'Start-Sleep',
    'Where-Object',
    'Write-Host',
    'Write-Output',
  ],
  'smtp-rbac': [
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'Disconnect-ExchangeOnline',
    'Get-CASMailbox',
    'Get-Mailbox',
    'Get-ManagementRoleAssignment',
    'Get-ManagementScope',
    'Get-ServicePrincipal',
    'New-ManagementRoleAssignment',
    'New-ManagementScope',
    'New-ServicePrincipal',
    'Set-CASMailbox',
    'Set-ManagementScope',
    'Start-Sleep',
    'Test-ServicePrincipalAuthorization',
    'Where-Object',
    'Write-Host',
    'Write-Output',
  ],
  'graph-rbac': [
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'ConvertTo-SecureString',
    'Disconnect-ExchangeOnline',
    'Get-Mailbox',
    'Get-ManagementRoleAssignment',
    'Get-ManagementScope',
    'Get-ServicePrincipal',
    'New-ManagementRoleAssignment',
    'New-ManagementScope',
    'New-ServicePrincipal',
    'Set-ManagementScope',
    'Start-Sleep',
    'Test-ServicePrincipalAuthorization',
    'Where-Object',
    'Write-Host',
    'Write-Output',
  ],
  'delegated-smtp': [
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'Disconnect-ExchangeOnline',
    'Get-CASMailbox',
    'Set-CASMailbox',
    'Write-Output',
  ],
  'smtp-removal': [
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'Disconnect-ExchangeOnline',
    'Get-MailboxPermission',
    'Get-RecipientPermission',
    'Get-ServicePrincipal',
    'Remove-MailboxPermission',
    'Remove-RecipientPermission',
    'Remove-ServicePrincipal',
    'Where-Object',
    'Write-Output',
  ],
  'smtp-rbac-removal': [
    'Connect-ExchangeOnline',
    'ConvertTo-Json',
    'Disconnect-ExchangeOnline',
    'Get-ManagementRoleAssignment',
    'Get-ManagementScope',
    'Get-ServicePrincipal',
    'Remove-ManagementRoleAssignment',
    'Remove-ManagementScope',
    'Remove-ServicePrincipal',
    'Where-Object',
    'Write-Output',
  ],
};

describe('golden scripts', () => {
  for (const name of Object.keys(GOLDEN_INPUTS)) {
    it(`${name} renders byte for byte as the reviewed golden file`, () => {
      assert.equal(render(name), golden(name));
    });

    it(`${name} parses with the PowerShell grammar and uses only the expected cmdlets`, async () => {
      const tree = await parsePowerShell(golden(name));
      assert.equal(findSyntaxError(tree.rootNode), undefined);
      const names = [...new Set(commandUses(tree.rootNode).map((use) => use.name))].sort();
      assert.deepEqual(names, [...EXPECTED_COMMANDS[name]!].sort());
    });

    it(`${name} starts with $ErrorActionPreference = 'Stop' and ends with the result line`, () => {
      const text = golden(name);
      assert.match(text, /^\$ErrorActionPreference = 'Stop'$/m);
      assert.ok(text.indexOf("$ErrorActionPreference = 'Stop'") < text.indexOf('Connect-ExchangeOnline'));
      assert.match(
        text.trimEnd().split('\n').at(-1) ?? '',
        /^Write-Output \('ENTRA-MAIL-RESULT ' \+ \(ConvertTo-Json -InputObject \$Result -Compress -Depth 5\)\)$/,
      );
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T/, 'no timestamps: the output is deterministic');
    });
  }

  it('New-ServicePrincipal gets the service principal id as -ObjectId and never -Organization', async () => {
    for (const name of ['smtp', 'smtp-rbac', 'graph-rbac']) {
      const tree = await parsePowerShell(golden(name));
      const uses = commandUses(tree.rootNode);
      const create = uses.filter((use) => use.name === 'New-ServicePrincipal');
      assert.equal(create.length, 1);
      assert.deepEqual([...create[0]!.parameters.keys()], ['AppId', 'ObjectId', 'DisplayName']);
      assert.equal(create[0]!.parameters.get('ObjectId'), '$ServicePrincipalObjectId');
      const assigned = literalAssignments(tree.rootNode);
      assert.deepEqual(assigned.get('$ServicePrincipalObjectId')?.map(decodeLikePowerShell), [GOLDEN_INPUTS[name]!.servicePrincipalId]);
      assert.deepEqual(assigned.get('$AppId')?.map(decodeLikePowerShell), [GOLDEN_INPUTS[name]!.appId]);
      // Found by AppId, never by -Identity (which returns everything for an unknown value).
      for (const lookup of uses.filter((use) => use.name === 'Get-ServicePrincipal')) assert.equal(lookup.parameters.size, 0);
      assert.ok(uses.every((use) => !/^Connect-ExchangeOnline$/.test(use.name) || use.parameters.get('ShowBanner') === '$false'));
    }
  });

  it('certificate sign-in passes -Organization to Connect-ExchangeOnline (app-only needs it)', async () => {
    const tree = await parsePowerShell(golden('graph-rbac'));
    const connects = commandUses(tree.rootNode).filter((use) => use.name === 'Connect-ExchangeOnline');
    assert.equal(connects.length, 2);
    for (const connect of connects) assert.equal(connect.parameters.get('Organization'), '$Organization');
  });

  it('FullAccess and role assignments go to $sp.Identity, with AutoMapping off', async () => {
    const smtp = commandUses((await parsePowerShell(golden('smtp'))).rootNode);
    const add = smtp.find((use) => use.name === 'Add-MailboxPermission')!;
    assert.equal(add.parameters.get('User'), '$sp.Identity');
    assert.equal(add.parameters.get('AccessRights'), 'FullAccess');
    assert.equal(add.parameters.get('AutoMapping'), '$false');
    const rbac = commandUses((await parsePowerShell(golden('smtp-rbac'))).rootNode);
    const assign = rbac.find((use) => use.name === 'New-ManagementRoleAssignment')!;
    assert.equal(assign.parameters.get('App'), '$sp.Identity');
    assert.equal(assign.parameters.get('CustomResourceScope'), '$ScopeName');
  });

  it('the scope filter literal decodes to OPATH with its own apostrophe doubling', async () => {
    const assigned = literalAssignments((await parsePowerShell(golden('smtp-rbac'))).rootNode);
    assert.deepEqual(assigned.get('$ScopeFilter')?.map(decodeLikePowerShell), [
      "PrimarySmtpAddress -eq 'noreply@contoso.com' -or PrimarySmtpAddress -eq 'o''neil@contoso.com'",
    ]);
  });
});

describe('rendering rules', () => {
  const input = GOLDEN_INPUTS.smtp!;

  it('fails on a fragment slot without a value or a value without a slot', () => {
    assert.throws(
      () => renderFragment('smtp-auth', {}),
      /\{\{smtpAuthMailboxes\}\}, which has no value in templates\/powershell\/smtp-auth/,
    );
    assert.throws(() => renderFragment('smtp-auth', { smtpAuthMailboxes: "@('a')", extra: '1' }), /a value for 'extra' was given/);
    assert.match(renderFragment('smtp-auth', { smtpAuthMailboxes: "@('{{y}}')" }), /@\('\{\{y\}\}'\)/);
  });

  it('refuses the app id where the service principal id belongs', () => {
    assert.throws(
      () => renderExchangeScript({ ...input, servicePrincipalId: input.appId }),
      (e: unknown) => e instanceof UsageError && e.flag === '--service-principal-id',
    );
  });

  it('refuses the graph model, and models that need mailboxes without any', () => {
    assert.throws(() => renderExchangeScript({ ...input, model: 'graph' }), UsageError);
    assert.throws(
      () => renderExchangeScript({ ...input, mailboxes: [] }),
      (e: unknown) => e instanceof UsageError && e.flag === '--mailbox',
    );
  });

  it('refuses certificate sign-in without a *.onmicrosoft.com organization', () => {
    const connect = { mode: 'certificate' as const, appId: input.appId, certificatePath: '/x.pfx', organization: 'contoso.com' };
    assert.throws(
      () => renderExchangeScript({ ...input, connect }),
      (e: unknown) => e instanceof UsageError && e.flag === '--exchange-organization',
    );
  });

  it('rejects a newline in any value with exit 2 before writing anything', () => {
    assert.throws(
      () => renderExchangeScript({ ...input, displayName: 'a\nRemove-Mailbox x' }),
      (e: unknown) => e instanceof UsageError && e.flag === '--name',
    );
    assert.throws(
      () => renderExchangeScript({ ...input, mailboxes: ['a@b.c\r\n'] }),
      (e: unknown) => e instanceof UsageError && e.flag === '--mailbox',
    );
  });
});
