import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const MAILBOX = 'noreply@contoso.com';

/**
 * `provision --adopt <client id>` on an app an admin made by hand from a vendor guide: the app is
 * made here the way the guide makes it, through Graph with the real SDK (app, its own secret,
 * its service principal), then adopted. The adopted app is the same object (no second app), gets
 * the tags and the unique name, and keeps the secret the admin made — also through a rotate.
 */
describe('provision --adopt takes over an app made by hand', () => {
  let t: Tenant;
  let graph: Client;
  let exchangeRoles: { value: string; id: string }[];

  before(async () => {
    t = await startTestTenant();
    tls.setDefaultCACertificates([...tls.getCACertificates('bundled'), readFileSync(t.sandbox.settings.caFile, 'utf8')]);
    const { settings } = t.sandbox;
    const credential = new ClientSecretCredential(settings.tenantId, settings.adminClientId, settings.adminClientSecret.reveal(), {
      authorityHost: settings.authorityHost,
      disableInstanceDiscovery: true,
    });
    graph = Client.initWithMiddleware({
      baseUrl: `${settings.graphEndpoint}/`,
      customHosts: new Set(['127.0.0.1']),
      authProvider: { getAccessToken: async () => (await credential.getToken('https://graph.microsoft.com/.default'))?.token ?? '' },
    });
    const exchange = await graph.api(`/servicePrincipals(appId='${EXCHANGE}')`).get();
    exchangeRoles = exchange.appRoles;
  });
  after(() => t.close());

  /** The vendor guide's clicks: register, add SMTP.SendAsApp, a secret of its own, the enterprise app. */
  async function appMadeByHand(displayName: string): Promise<{ appId: string; id: string; secretKeyId: string }> {
    const smtp = exchangeRoles.find((r) => r.value === 'SMTP.SendAsApp');
    assert.ok(smtp);
    const app = await graph.api('/applications').post({
      displayName,
      requiredResourceAccess: [{ resourceAppId: EXCHANGE, resourceAccess: [{ id: smtp.id, type: 'Role' }] }],
    });
    const secret = await graph.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'from the guide' } });
    await graph.api('/servicePrincipals').post({ appId: app.appId });
    return { appId: app.appId, id: app.id, secretKeyId: secret.keyId };
  }
  const stored = (appId: string) => t.sandbox.snapshot().applications.find((a) => a.appId === appId);
  const adopt = (appId: string, ...extra: string[]) =>
    runCli(['provision', ...t.common, '--adopt', appId, '--profile', 'aevo', '--mailbox', MAILBOX, '--json', ...extra], {
      env: t.env,
      cwd: t.dir,
    });

  it('--dry-run plans the adoption and changes nothing', async () => {
    const made = await appMadeByHand('AEVO Mail Dry');
    const since = t.sandbox.mark();
    const r = await adopt(made.appId, '--dry-run', '--detailed-exitcode');
    assert.equal(r.code, 10, r.stderr);
    const plan = JSON.parse(r.stdout) as { changes: { step: string; action: string; summary: string }[] };
    const application = plan.changes.find((c) => c.step === 'application');
    assert.equal(application?.action, 'update');
    assert.match(application?.summary ?? '', /adopt app registration .*set uniqueName aevo-mail-dry/);
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    assert.equal(stored(made.appId)?.uniqueName, null);
  });

  it('takes the app over: same object, unique name and tags set, consented, the guide secret kept; a re-run changes nothing', async () => {
    const made = await appMadeByHand('AEVO Innovate Mail');
    const apps = t.sandbox.snapshot().applications.length;
    const r = await adopt(made.appId, '--exchange', 'run');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { application: { appId: string; uniqueName: string } };
    assert.equal(out.application.appId, made.appId);
    assert.equal(t.sandbox.snapshot().applications.length, apps, 'no second app');
    const app = stored(made.appId);
    assert.equal(app?.id, made.id);
    assert.equal(app?.uniqueName, 'aevo-innovate-mail');
    assert.ok(app?.tags.includes('entra-mail:managed'));
    assert.ok(app?.tags.includes('entra-mail:profile:aevo'));
    assert.equal(app?.displayName, 'AEVO Innovate Mail', 'the name the admin gave stays');
    const keyIds = app?.passwordCredentials.map((c) => c.keyId) ?? [];
    assert.ok(keyIds.includes(made.secretKeyId), 'the secret made from the guide is untouched');
    assert.equal(keyIds.length, 2, 'one secret of its own minted for the config file');

    const since = t.sandbox.mark();
    const again = await adopt(made.appId, '--exchange', 'script');
    assert.equal(again.code, 0, again.stderr);
    const changes = (JSON.parse(again.stdout) as { changes: { action: string }[] }).changes;
    assert.deepEqual(
      changes.filter((c) => c.action !== 'none'),
      [],
    );
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);

    const rotate = ['rotate', ...t.common, '--app', 'aevo-innovate-mail', '--out', 'aevo-innovate-mail.txt', '--grace', '0', '--json'];
    const rotated = await runCli(rotate, { env: t.env, cwd: t.dir });
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.ok(
      stored(made.appId)?.passwordCredentials.some((c) => c.keyId === made.secretKeyId),
      'a rotate retires only the secrets entra-mail minted',
    );
  });

  it('refuses a unique name another app holds (exit 5) and changes nothing; --unique-name picks a free one', async () => {
    const made = await appMadeByHand('AEVO Innovate Mail');
    const since = t.sandbox.mark();
    const r = await adopt(made.appId);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /unique name 'aevo-innovate-mail' is held by app/);
    assert.match(r.stderr, /--unique-name/);
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    const other = await adopt(made.appId, '--unique-name', 'aevo-second-site');
    assert.equal(other.code, 0, other.stderr);
    assert.equal(stored(made.appId)?.uniqueName, 'aevo-second-site');
  });

  it('bad input exits 2 before any request (not a client id, with --app, a bad mailbox); a unique name the app cannot take, 5', async () => {
    const mark = t.sandbox.ctx.log.length;
    const notGuid = await adopt('not-a-guid');
    assert.equal(notGuid.code, 2, notGuid.stderr);
    const both = await runCli(['provision', ...t.common, '--adopt', crypto.randomUUID(), '--app', 'x', '--mailbox', MAILBOX], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(both.code, 2, both.stderr);
    const badMailbox = await adopt(crypto.randomUUID(), '--mailbox', 'not a mailbox');
    assert.equal(badMailbox.code, 2, badMailbox.stderr);
    assert.equal(t.sandbox.ctx.log.length, mark, 'no request, not even a sign-in');
    const adopted = stored(t.sandbox.snapshot().applications.find((a) => a.uniqueName === 'aevo-second-site')?.appId ?? '');
    assert.ok(adopted);
    const renamed = await adopt(adopted.appId, '--unique-name', 'another-name');
    // Known only once the app is read: exit 5, not 2 (src/commands/shared/report.ts), and nothing changed.
    assert.equal(renamed.code, 5, renamed.stderr);
    assert.match(renamed.stderr, /already has the unique name 'aevo-second-site'/);
  });

  it('an unknown client id exits 5 naming it, and creates nothing', async () => {
    const apps = t.sandbox.snapshot().applications.length;
    const unknown = crypto.randomUUID();
    const r = await adopt(unknown);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, new RegExp(unknown));
    assert.equal(t.sandbox.snapshot().applications.length, apps);
  });
});
