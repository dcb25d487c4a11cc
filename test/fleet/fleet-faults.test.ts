import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Faults across a fleet of sandbox tenants signed in to with one multi-tenant admin app: one tenant
 * converges untroubled; one answers its first Graph requests with 429 and Retry-After; one refuses
 * the admin's secret (a wrong secret reference: AADSTS7000215); one tenant does not exist
 * (AADSTS90002); one names a secret variable that is not set. The first two converge; the others
 * are named in the report and on stderr; the exit code is 7; no app holds a secret no file has.
 */
describe('apply -f across tenants with a throttled tenant and three failing ones', () => {
  let t: Tenant;
  let file: string;
  const unknown = '11111111-2222-3333-4444-555555555555';
  before(async () => {
    t = await startTestTenant({ tenants: 3 });
    const [home, throttled, refused] = t.sandbox.tenants;
    assert.ok(home && throttled && refused);
    t.sandbox.ctx.faults.push({
      kind: 'graph',
      path: /^\/v1\.0\//,
      tenant: throttled.tenantId,
      times: 4,
      action: { type: 'status', status: 429, headers: { 'Retry-After': '1' } },
    });
    file = join(t.dir, 'entra-mail.yaml');
    const app = (name: string, mailbox: string) => `      - { name: ${name}, model: graph, format: env, mailboxes: [${mailbox}] }`;
    await writeFile(
      file,
      [
        'version: 1',
        'tenants:',
        `  - tenant: ${home.domain}`,
        '    apps:',
        app('Calm One', home.mailboxes[0] as string),
        `  - tenant: ${throttled.tenantId}`,
        '    apps:',
        app('Throttled One', throttled.mailboxes[0] as string),
        app('Throttled Two', throttled.mailboxes[0] as string),
        `  - tenant: ${refused.domain}`,
        '    auth: { kind: env, clientSecret: { env: STALE_ADMIN_SECRET } }',
        '    apps:',
        app('Refused One', refused.mailboxes[0] as string),
        `  - tenant: ${unknown}`,
        '    apps:',
        app('Lost One', 'noreply@contoso.com'),
        '  - tenant: fabrikam.onmicrosoft.com',
        '    auth: { kind: env, clientSecret: { env: FABRIKAM_ADMIN_SECRET } }',
        '    apps:',
        app('Never Signed In', 'noreply@fabrikam.com'),
        '',
      ].join('\n'),
    );
  });
  after(() => t.close());

  it('converges the calm and the throttled tenant, names the three failed ones, exits 7 and leaves no orphan', async () => {
    const env = { ...t.env, STALE_ADMIN_SECRET: 'not-the-admin-secret' };
    const r = await runCli(['apply', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--concurrency', '3', '--json'], {
      env,
      cwd: t.dir,
    });
    assert.equal(r.code, 7, r.stderr);
    const [home, throttled, refused] = t.sandbox.tenants;
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.failed, [refused?.domain, unknown, 'fabrikam.onmicrosoft.com']);
    assert.match(
      r.stderr,
      /3 tenant\(s\) failed: tenant-002\.onmicrosoft\.com, 11111111-2222-3333-4444-555555555555, fabrikam\.onmicrosoft\.com/,
    );
    const byTenant = Object.fromEntries(report.tenants.map((x: { tenant: string }) => [x.tenant, x]));
    assert.equal(byTenant[refused?.domain as string].exitCode, 3);
    assert.equal(byTenant[refused?.domain as string].error.code, 'AADSTS7000215');
    assert.equal(byTenant[unknown].error.code, 'AADSTS90002');
    assert.equal(byTenant['fabrikam.onmicrosoft.com'].exitCode, 2);
    assert.match(byTenant['fabrikam.onmicrosoft.com'].error.message, /FABRIKAM_ADMIN_SECRET/);
    assert.equal(byTenant[home?.domain as string].status, 'changed');
    assert.equal(byTenant[throttled?.tenantId as string].status, 'changed');
    assert.ok(t.sandbox.ctx.firedFaults.length >= 4, 'the throttled tenant answered 429');
    // No orphan: every app created holds exactly one secret, the one in its 0600 config file.
    for (const [tenant, names] of [
      [home, ['calm-one']],
      [throttled, ['throttled-one', 'throttled-two']],
    ] as const) {
      const folder = join(t.dir, (tenant?.tenantId === throttled?.tenantId ? tenant?.tenantId : tenant?.domain) as string);
      const apps = t.sandbox.snapshot(tenant?.tenantId).applications.filter((a) => names.includes(a.uniqueName as never));
      assert.equal(apps.length, names.length);
      for (const app of apps) {
        assert.equal(app.passwordCredentials.length, 1, String(app.uniqueName));
        const config = join(folder, `${app.uniqueName}.env`);
        assert.equal((await stat(config)).mode & 0o777, 0o600);
        assert.match(await readFile(config, 'utf8'), new RegExp(String(app.appId)));
      }
    }
    assert.ok(!t.sandbox.snapshot(refused?.tenantId).applications.some((a) => a.uniqueName === 'refused-one'));
  });
});
