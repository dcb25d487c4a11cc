import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

/**
 * status -f and rotate -f over the file's apps: one app whose 30-day secret ends inside its 60-day
 * window (due), one whose 180-day secret does not. Only the due one is rotated, by the rotation
 * code rotate --app uses: a new secret in its config file, the old one kept for the grace period.
 */
describe('status -f and rotate -f', () => {
  let t: Tenant;
  let file: string;
  let common: string[];
  before(async () => {
    t = await startTestTenant();
    file = join(t.dir, 'entra-mail.yaml');
    common = ['-f', file, '--ca-file', t.sandbox.settings.caFile];
    await writeFile(
      file,
      [
        'version: 1',
        'defaults:',
        '  app: { model: graph, format: env }',
        'tenants:',
        `  - tenant: ${t.sandbox.settings.tenantId}`,
        '    apps:',
        '      - name: Short Lived',
        '        mailboxes: [noreply@contoso.com]',
        '        secretLifetime: 30d',
        '        rotation: { expiringWithin: 60d, grace: 7d }',
        '      - name: Long Lived',
        '        mailboxes: [noreply@contoso.com]',
        '',
      ].join('\n'),
    );
    const apply = await runCli(['apply', ...common], { env: t.env, cwd: t.dir });
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  });
  after(() => t.close());

  const secretsOf = (uniqueName: string) =>
    t.sandbox.ctx.state.applications.find((a) => a.uniqueName === uniqueName)?.passwordCredentials.map((c) => c.keyId) ?? [];

  it('status -f names the due app and exits 10', async () => {
    const r = await runCli(['status', ...common, '--json'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 10, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.tenants[0].apps.map((a: { uniqueName: string; status: string }) => [a.uniqueName, a.status]),
      [
        ['short-lived', 'due'],
        ['long-lived', 'ok'],
      ],
    );
  });

  it('rotate -f --dry-run changes nothing; rotate -f rotates only the due app and delivers to its file', async () => {
    const before = { short: secretsOf('short-lived'), long: secretsOf('long-lived') };
    const dry = await runCli(['rotate', ...common, '--dry-run', '--json'], { env: t.env, cwd: t.dir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      JSON.parse(dry.stdout).tenants[0].apps.map((a: { status: string }) => a.status),
      ['due', 'ok'],
    );
    assert.deepEqual(secretsOf('short-lived'), before.short);

    const configPath = join(t.dir, t.sandbox.settings.tenantId, 'short-lived.env');
    const oldConfig = await readFile(configPath, 'utf8');
    const r = await runCli(['rotate', ...common, '--yes'], { env: t.env, cwd: t.dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const after = secretsOf('short-lived');
    assert.equal(after.length, 2, 'the new secret, and the old one for its grace period');
    assert.ok(before.short.every((k) => after.includes(k)));
    assert.deepEqual(secretsOf('long-lived'), before.long);
    const newConfig = await readFile(configPath, 'utf8');
    assert.notEqual(newConfig, oldConfig);
    assert.doesNotMatch(r.stdout + r.stderr, /secret=|SECRET=\S{8}/);
  });
});
