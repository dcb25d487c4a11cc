import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../src/core/well-known.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/** Each vendor profile against the sandbox: the tenant ends up as the guide asks, the output has the guide's form. */
describe('provision --profile (vendor guides as data)', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  async function provision(args: string[]) {
    const r = await runCli(['provision', ...t.common, '--exchange', 'run', '--pwsh', t.sandbox.settings.pwshPath, '--json', ...args], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const state = t.sandbox.snapshot();
    const app = state.applications.find((a) => a.appId === result.application.appId)!;
    const sp = state.servicePrincipals.find((s) => s.appId === app.appId)!;
    const roleValues = state.appRoleAssignments
      .filter((a) => a.principalId === sp.id)
      .map((a) => state.servicePrincipals.find((r) => r.id === a.resourceId)!.appRoles.find((x) => x.id === a.appRoleId)!.value)
      .sort();
    return { result, state, app, sp, roleValues, config: await readFile(result.secret.writtenTo, 'utf8') };
  }

  it("aevo: SMTP.SendAsApp + IMAP.AccessAsApp consented, FullAccess in Exchange, the form in AEVO's words", async () => {
    const { result, state, sp, roleValues, config } = await provision([
      '--profile',
      'aevo',
      '--mailbox',
      'noreply@contoso.com',
      '--sender-name',
      'Contoso HR',
    ]);
    assert.deepEqual(roleValues, ['IMAP.AccessAsApp', 'SMTP.SendAsApp']);
    const exo = state.exchange.servicePrincipals.find((x) => x.appId === result.application.appId)!;
    assert.equal(exo.objectId, sp.id);
    assert.ok(state.exchange.mailboxPermissions.some((p) => p.identity === 'noreply@contoso.com' && p.user === exo.identity));
    for (const label of ['Email address', 'Name', 'TenantId', 'SMTP User', 'SMTP Password']) assert.ok(label in result.config, label);
    assert.equal(result.config['SMTP User'], result.application.appId);
    assert.match(result.config['SMTP Password'], /hidden/);
    assert.ok(config.includes(result.application.appId));
  });

  it('enaio: web redirect http://localhost, SMTP AUTH on, Send As for the webclient users', async () => {
    const { app, state, config, result } = await provision([
      '--profile',
      'enaio',
      '--mailbox',
      'alerts@contoso.com',
      '--send-as',
      'hr@contoso.com',
    ]);
    assert.deepEqual(app.web.redirectUris, ['http://localhost']);
    assert.equal(state.exchange.mailboxes.find((m) => m.address === 'alerts@contoso.com')!.smtpClientAuthenticationDisabled, false);
    assert.ok(state.exchange.recipientPermissions.some((p) => p.identity === 'hr@contoso.com'));
    for (const key of ['SMTPSecurity', 'SMTPAuthenticating', 'OfficeClientID', 'OfficeTenantID']) assert.ok(key in result.config, key);
    assert.equal(result.config.SMTPSecurity, '2');
    assert.equal(result.config.SMTPAuthenticating, '3');
    assert.match(config, /OfficeClientSecret/);
  });

  it('dnn: needs --site-url; delegated SMTP.Send granted, redirect URIs built from the site', async () => {
    const missing = await runCli(['provision', ...t.common, '--profile', 'dnn', '--mailbox', 'noreply@contoso.com'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--site-url/);
    const { app, state, sp } = await provision([
      '--profile',
      'dnn',
      '--mailbox',
      'noreply@contoso.com',
      '--site-url',
      'https://www.contoso.com',
    ]);
    assert.deepEqual([...app.web.redirectUris].sort(), [
      'https://www.contoso.com',
      'https://www.contoso.com/Providers/SmtpOAuthProviders/ExchangeOnline/Authorize.aspx',
    ]);
    assert.equal(app.signInAudience, 'AzureADMyOrg');
    const graphSp = state.servicePrincipals.find((s) => s.appId === GRAPH_APP_ID)!;
    const grant = state.oauth2PermissionGrants.find((g) => g.clientId === sp.id && g.resourceId === graphSp.id)!;
    assert.deepEqual(grant.scope.split(' ').sort(), ['SMTP.Send', 'offline_access']);
  });

  it('truechem: Graph Mail.Send, public-client nativeclient redirect, a 24-month secret', async () => {
    const { app, roleValues, result } = await provision(['--profile', 'truechem', '--mailbox', 'noreply@contoso.com']);
    assert.deepEqual(roleValues, ['Mail.Send']);
    assert.deepEqual(app.publicClient.redirectUris, ['https://login.microsoftonline.com/common/oauth2/nativeclient']);
    const days = (Date.parse(result.secret.endDateTime) - Date.now()) / 86_400_000;
    assert.ok(days > 725 && days <= 730, `secret lifetime ${days} days`);
    for (const label of ['Authentication Type', 'O365 Logon name', 'Client Secret', 'Tenant ID', 'Client ID'])
      assert.ok(label in result.config, label);
  });

  it('signify: Graph Mail.Send and the Signify form', async () => {
    const { roleValues, result } = await provision(['--profile', 'signify', '--mailbox', 'noreply@contoso.com']);
    assert.deepEqual(roleValues, ['Mail.Send']);
    for (const label of ['Server Name', 'Port', 'Timeout', 'Batch Size', 'From Email', 'Client ID', 'Client Secret', 'Tenant ID'])
      assert.ok(label in result.config, label);
    assert.equal(result.config.Port, '587');
    assert.equal(result.config.Timeout, '120');
  });

  it('--model smtp-rbac on the aevo profile drops the Entra SMTP.SendAsApp grant (it would widen RBAC)', async () => {
    const { roleValues, state, result } = await provision([
      '--profile',
      'aevo',
      '--model',
      'smtp-rbac',
      '--unique-name',
      'aevo-rbac',
      '--mailbox',
      'noreply@contoso.com',
    ]);
    assert.ok(!roleValues.includes('SMTP.SendAsApp'));
    assert.ok(state.exchange.roleAssignments.some((r) => r.role === 'Application SMTP.SendAsApp'));
    assert.ok(
      !result.permissions.some(
        (p: { resourceAppId: string; name: string }) => p.resourceAppId === EXCHANGE_APP_ID && p.name === 'SMTP.SendAsApp',
      ),
    );
  });
});
