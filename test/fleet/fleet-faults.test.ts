import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * Faults across the fleet: a tenant whose sign-in fails (an unknown tenant: AADSTS90002), a tenant
 * whose secret reference is not set, and a tenant answering every third Graph request with 429 and
 * Retry-After. The throttled tenant converges; the two others are named; the exit code is 7; no app
 * is left with a secret that no file holds.
 */
describe('apply -f with one tenant failing and another throttled', () => {
  let t: Tenant;
  let file: string;
  const unknown = '11111111-2222-3333-4444-555555555555';
  before(async () => {
    t = await startTestTenant({ knobs: { throttleEvery: 3, throttleRetryAfterSeconds: 1 } });
    file = join(t.dir, 'entra-mail.yaml');
    const app = (name: string) => `      - { name: ${name}, model: graph, format: env, mailboxes: [noreply@contoso.com] }`;
    await writeFile(
      file,
      [
        'version: 1',
        'tenants:',
        `  - tenant: ${unknown}`,
        '    apps:',
        app('Lost One'),
        `  - tenant: ${t.sandbox.settings.tenantId}`,
        '    apps:',
        app('Throttled One'),
        app('Throttled Two'),
        '  - tenant: fabrikam.onmicrosoft.com',
        '    auth: { kind: env, clientSecret: { env: FABRIKAM_ADMIN_SECRET } }',
        '    apps:',
        app('Never Signed In'),
        '',
      ].join('\n'),
    );
  });
  after(() => t.close());

  it('converges the throttled tenant, names the failed ones, exits 7 and leaves no orphan', async () => {
    const r = await runCli(['apply', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--concurrency', '3', '--json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(r.code, 7, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.failed, [unknown, 'fabrikam.onmicrosoft.com']);
    assert.match(r.stderr, new RegExp(`2 tenant\\(s\\) failed: ${unknown}, fabrikam\\.onmicrosoft\\.com`));
    const [lost, throttled, fabrikam] = report.tenants;
    assert.equal(lost.exitCode, 3, JSON.stringify(lost.error));
    assert.match(lost.error.code, /^AADSTS90002$/);
    assert.equal(fabrikam.exitCode, 2);
    assert.match(fabrikam.error.message, /FABRIKAM_ADMIN_SECRET/);
    assert.equal(throttled.status, 'changed');
    assert.ok(
      t.sandbox.ctx.log.some((e) => e.status === 429),
      'the sandbox throttled',
    );
    // No orphan: each app created holds exactly one secret, and it is the one in its 0600 config file.
    const apps = t.sandbox.ctx.state.applications.filter((a) => a.uniqueName?.startsWith('throttled-'));
    assert.equal(apps.length, 2);
    for (const app of apps) {
      assert.equal(app.passwordCredentials.length, 1, String(app.uniqueName));
      const config = join(t.dir, t.sandbox.settings.tenantId, `${app.uniqueName}.env`);
      assert.equal((await stat(config)).mode & 0o777, 0o600);
      assert.match(await readFile(config, 'utf8'), new RegExp(String(app.appId)));
    }
    assert.ok(!t.sandbox.ctx.state.applications.some((a) => a.uniqueName === 'never-signed-in' || a.uniqueName === 'lost-one'));
  });
});
