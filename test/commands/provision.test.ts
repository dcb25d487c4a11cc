import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

const appsNamed = (t: Tenant, uniqueName: string) => t.sandbox.snapshot().applications.filter((a) => a.uniqueName === uniqueName);

describe('provision against the sandbox (in-process CLI, real SDKs over real sockets)', () => {
  let t: Tenant;
  before(async () => {
    t = await startTestTenant();
  });
  after(() => t.close());

  const base = (name: string, extra: string[] = []) => [
    'provision',
    ...t.common,
    '--model',
    'smtp',
    '--name',
    name,
    '--mailbox',
    'noreply@contoso.com',
    '--exchange',
    'script',
    ...extra,
  ];

  it('creates app, service principal, consent and secret; a second run makes no mutating request', async () => {
    const first = await runCli([...base('Create Test'), '--json'], { env: t.env, cwd: t.dir });
    assert.equal(first.code, 0, first.stderr);
    const result = JSON.parse(first.stdout);
    assert.equal(result.model, 'smtp');
    assert.deepEqual(
      result.changes.map((c: { step: string; action: string }) => `${c.step}:${c.action}`),
      ['application:create', 'service-principal:create', 'consent:create', 'secret:create', 'exchange:none'],
    );
    const state = t.sandbox.snapshot();
    const [app] = appsNamed(t, 'create-test');
    assert.ok(app, 'app exists with the derived uniqueName');
    assert.equal(result.application.appId, app.appId);
    const sp = state.servicePrincipals.find((s) => s.appId === app.appId);
    assert.ok(sp);
    assert.equal(result.servicePrincipal.id, sp.id);
    const exo = state.servicePrincipals.find((s) => s.appId === '00000002-0000-0ff1-ce00-000000000000')!;
    const smtpRole = exo.appRoles.find((r) => r.value === 'SMTP.SendAsApp')!;
    assert.deepEqual(
      state.appRoleAssignments.filter((a) => a.principalId === sp.id).map((a) => [a.resourceId, a.appRoleId]),
      [[exo.id, smtpRole.id]],
    );
    assert.equal(app.passwordCredentials.length, 1);
    assert.match(app.passwordCredentials[0]!.displayName ?? '', /^entra-mail:/);
    assert.equal(result.secret.keyId, app.passwordCredentials[0]!.keyId);
    // The script for Exchange names the enterprise app's object id, never the app registration's.
    const script = await readFile(result.exchange.scriptPath, 'utf8');
    assert.ok(script.includes(sp.id));
    assert.ok(!script.includes(app.id));
    // The config file holds the secret and is 0600.
    const info = await stat(result.secret.writtenTo);
    assert.equal(info.mode & 0o777, 0o600);

    const since = t.sandbox.mark();
    const second = await runCli([...base('Create Test'), '--json'], { env: t.env, cwd: t.dir });
    assert.equal(second.code, 0, second.stderr);
    const again = JSON.parse(second.stdout);
    assert.ok(
      again.changes.filter((c: { step: string }) => c.step !== 'exchange').every((c: { action: string }) => c.action === 'none'),
      second.stdout,
    );
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    assert.equal(appsNamed(t, 'create-test')[0]!.passwordCredentials.length, 1, 'no new secret without --new-secret');
    // Converged: writing the Exchange script is no change to the tenant, so no drift is reported.
    const drift = await runCli([...base('Create Test'), '--dry-run', '--detailed-exitcode'], { env: t.env, cwd: t.dir });
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  });

  it('--dry-run reads and plans but changes nothing', async () => {
    const since = t.sandbox.mark();
    const r = await runCli([...base('Dry Run Test'), '--dry-run'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Plan \(dry run, nothing changed\)/);
    assert.match(r.stdout, /create\s+application/);
    assert.match(r.stdout, /New-ServicePrincipal/);
    assert.deepEqual(t.sandbox.mutatingRequests(since), []);
    assert.equal(appsNamed(t, 'dry-run-test').length, 0);
    const detailed = await runCli([...base('Dry Run Test'), '--dry-run', '--detailed-exitcode'], { env: t.env, cwd: t.dir });
    assert.equal(detailed.code, 10);
  });

  it('repairs drift made out of band: a removed consent and a changed redirect URI', async () => {
    assert.equal((await runCli(base('Drift Test'), { env: t.env, cwd: t.dir })).code, 0);
    const state = t.sandbox.ctx.state;
    const app = state.applications.find((a) => a.uniqueName === 'drift-test')!;
    const sp = state.servicePrincipals.find((s) => s.appId === app.appId)!;
    state.appRoleAssignments = state.appRoleAssignments.filter((a) => a.principalId !== sp.id);
    app.web.redirectUris = ['https://evil.example.com/'];
    const r = await runCli([...base('Drift Test'), '--json'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const actions = JSON.parse(r.stdout).changes.map((c: { step: string; action: string }) => `${c.step}:${c.action}`);
    assert.ok(actions.includes('application:update'));
    assert.ok(actions.includes('consent:create'));
    assert.ok(actions.includes('secret:none'));
    assert.deepEqual(state.applications.find((a) => a.uniqueName === 'drift-test')!.web.redirectUris, []);
    assert.equal(state.appRoleAssignments.filter((a) => a.principalId === sp.id).length, 1);
  });

  it('recreates a service principal deleted out of band, and refuses an app it did not create (exit 5)', async () => {
    assert.equal((await runCli(base('Deleted SP Test'), { env: t.env, cwd: t.dir })).code, 0);
    const state = t.sandbox.ctx.state;
    const app = state.applications.find((a) => a.uniqueName === 'deleted-sp-test')!;
    state.servicePrincipals = state.servicePrincipals.filter((s) => s.appId !== app.appId);
    const r = await runCli(base('Deleted SP Test'), { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(state.servicePrincipals.filter((s) => s.appId === app.appId).length, 1);

    app.tags = [];
    const foreign = await runCli(base('Deleted SP Test'), { env: t.env, cwd: t.dir });
    assert.equal(foreign.code, 5);
    assert.match(foreign.stderr, /did not create/);
    assert.match(foreign.stderr, /step: application/);
  });

  it('never prints the secret unless --show-secret, even with --verbose', async () => {
    const out = join(t.dir, 'canary.env');
    const r = await runCli([...base('Canary Test'), '--verbose', '--out', out, '--format', 'env'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr);
    const secret = /AZURE_CLIENT_SECRET=['"]?([^'"\n]+)/.exec(await readFile(out, 'utf8'))?.[1];
    assert.ok(secret && secret.length >= 16, 'the sink holds the secret');
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      assert.ok(!r.stdout.includes(form) && !r.stderr.includes(form), 'secret leaked');
    }
    const shown = await runCli(
      [...base('Canary Test'), '--new-secret', '--show-secret', '--out', join(t.dir, 'canary2.env'), '--format', 'env'],
      { env: t.env, cwd: t.dir },
    );
    assert.equal(shown.code, 0, shown.stderr);
    const secret2 = /AZURE_CLIENT_SECRET=['"]?([^'"\n]+)/.exec(await readFile(join(t.dir, 'canary2.env'), 'utf8'))?.[1];
    assert.ok(secret2 && shown.stdout.includes(secret2));
  });
});

describe('provision under replication delay and throttling', () => {
  it('--replication-ms 5000: succeeds with no duplicate object', async () => {
    const t = await startTestTenant({ knobs: { replicationMs: 5000 } });
    try {
      const r = await runCli(
        ['provision', ...t.common, '--model', 'graph', '--name', 'Slow Tenant', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'],
        { env: t.env, cwd: t.dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const s = t.sandbox.snapshot();
      const apps = s.applications.filter((a) => a.uniqueName === 'slow-tenant');
      assert.equal(apps.length, 1);
      assert.equal(s.servicePrincipals.filter((sp) => sp.appId === apps[0]!.appId).length, 1);
      assert.equal(apps[0]!.passwordCredentials.length, 1);
      const sp = s.servicePrincipals.find((x) => x.appId === apps[0]!.appId)!;
      assert.equal(s.appRoleAssignments.filter((a) => a.principalId === sp.id).length, 1);
    } finally {
      await t.close();
    }
  });

  it('--throttle-every 3: succeeds with no duplicate and no early retry', async () => {
    const t = await startTestTenant({ knobs: { throttleEvery: 3, throttleRetryAfterSeconds: 1 } });
    try {
      const r = await runCli(
        ['provision', ...t.common, '--model', 'smtp', '--name', 'Busy Tenant', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'],
        { env: t.env, cwd: t.dir },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        t.sandbox.ctx.log.some((e) => e.status === 429),
        'the sandbox did throttle',
      );
      assert.deepEqual(t.sandbox.ctx.earlyRetries, []);
      const s = t.sandbox.snapshot();
      const apps = s.applications.filter((a) => a.uniqueName === 'busy-tenant');
      assert.equal(apps.length, 1);
      assert.equal(apps[0]!.passwordCredentials.length, 1);
    } finally {
      await t.close();
    }
  });
});
