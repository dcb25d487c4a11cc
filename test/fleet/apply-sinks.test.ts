import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * apply -f delivers a secret it mints to every sink of the app, as rotate does (docs/fleet.md#sinks-on-apply):
 * the config file, the sandbox's Key Vault (a real @azure/keyvault-secrets client) and an --on-rotate
 * command, each journalled. A vault that no longer holds the app's secret is drift; a vault write whose
 * answer was lost is settled by asking the vault.
 */
describe('apply -f with Key Vault and command sinks', () => {
  let t: Tenant;
  let file: string;
  let store: string;
  before(async () => {
    t = await startTestTenant();
    file = join(t.dir, 'entra-mail.yaml');
    store = join(t.dir, 'hook-store.json');
    const hook = join(t.dir, 'hook.mjs');
    // The consumer behind --on-rotate: keeps the document it is handed on stdin.
    await writeFile(
      hook,
      "import { writeFileSync } from 'node:fs'; let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => writeFileSync(process.argv[2], s));\n",
    );
    await writeFile(
      file,
      [
        'version: 1',
        'tenants:',
        `  - tenant: ${t.sandbox.settings.tenantId}`,
        '    apps:',
        '      - name: Vaulted',
        '        model: graph',
        '        format: env',
        '        mailboxes: [noreply@contoso.com]',
        `        sinks: { keyVault: "${t.sandbox.settings.keyVaultUrl}", keyVaultSecret: vaulted-secret }`,
        '      - name: Hooked',
        '        model: graph',
        '        format: env',
        '        mailboxes: [noreply@contoso.com]',
        `        sinks: { onRotate: "${process.execPath} ${hook} ${store}" }`,
        '',
      ].join('\n'),
    );
  });
  after(() => t.close());

  const cli = (...args: string[]) =>
    runCli([...args, '-f', file, '--ca-file', t.sandbox.settings.caFile, '--json'], { env: t.env, cwd: t.dir });
  const app = (uniqueName: string) => t.sandbox.snapshot().applications.find((a) => a.uniqueName === uniqueName);
  const vaultVersions = () => t.sandbox.snapshot().keyVault.secrets.find((s) => s.name === 'vaulted-secret')?.versions ?? [];
  const secretInFile = async (uniqueName: string) =>
    /CLIENT_SECRET='?([^'\s]+)/.exec(await readFile(join(t.dir, t.sandbox.settings.tenantId, `${uniqueName}.env`), 'utf8'))?.[1];
  const journalOf = async (uniqueName: string) =>
    JSON.parse(await readFile(join(String(t.env.ENTRA_MAIL_STATE_DIR), t.sandbox.settings.tenantId, `${uniqueName}.journal.json`), 'utf8'));

  it('puts the new secret in the file, the vault and the command, journalled per sink', async () => {
    const r = await cli('apply');
    assert.equal(r.code, 0, r.stderr);
    const vaulted = app('vaulted');
    assert.equal(vaulted?.passwordCredentials.length, 1);
    const [credential] = vaulted?.passwordCredentials ?? [];
    const current = vaultVersions().at(-1);
    assert.equal(current?.tags?.['keyId'], credential?.keyId);
    assert.equal(sha256(String(current?.value)), credential?.secretSha256, 'the vault holds the secret the app accepts');
    assert.equal(await secretInFile('vaulted'), current?.value, 'the file holds the same one');
    const hooked = app('hooked');
    const document = JSON.parse(await readFile(store, 'utf8'));
    assert.equal(document.clientId, hooked?.appId);
    assert.equal(sha256(document.clientSecret), hooked?.passwordCredentials[0]?.secretSha256);
    const entry = (await journalOf('vaulted')).credentials.find((c: { keyId: string }) => c.keyId === credential?.keyId);
    assert.equal(entry.status, 'delivered');
    assert.deepEqual(
      entry.sinks.map((s: { id: string; state: string }) => [s.id.split(':')[0], s.state]),
      [
        ['file', 'confirmed'],
        ['keyvault', 'confirmed'],
      ],
    );
  });

  it('a re-apply writes nothing anywhere', async () => {
    const mark = t.sandbox.ctx.log.length;
    const versions = vaultVersions().length;
    const r = await cli('apply');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      t.sandbox.ctx.log.slice(mark).filter((e) => e.method !== 'GET' && e.kind !== 'token'),
      [],
    );
    assert.equal(vaultVersions().length, versions);
  });

  /** Someone deleted the vault's secret (Key Vault then answers 404 for it). */
  const deleteVaultSecret = () => {
    const secrets = t.sandbox.ctx.state.keyVault.secrets;
    const index = secrets.findIndex((s) => s.name === 'vaulted-secret');
    assert.ok(index >= 0);
    secrets.splice(index, 1);
  };

  it('a vault that lost the secret is drift; apply mints one for every sink and keeps the old one through its grace period', async () => {
    const old = app('vaulted')?.passwordCredentials[0];
    deleteVaultSecret();
    const plan = await runCli(['plan', '-f', file, '--ca-file', t.sandbox.settings.caFile, '--json', '--detailed-exitcode'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(plan.code, 10, plan.stderr);
    const planned = JSON.parse(plan.stdout).tenants[0].apps.find((a: { uniqueName: string }) => a.uniqueName === 'vaulted');
    assert.match(JSON.stringify(planned.changes), /key vault .* secret vaulted-secret does not hold the current one/);
    const r = await cli('apply');
    assert.equal(r.code, 0, r.stderr);
    const credentials = app('vaulted')?.passwordCredentials ?? [];
    assert.equal(credentials.length, 2, 'the old secret stays valid through its grace period');
    const latest = vaultVersions().at(-1);
    const fresh = credentials.find((c) => c.keyId !== old?.keyId);
    assert.equal(latest?.tags?.['keyId'], fresh?.keyId);
    assert.equal(sha256(String(latest?.value)), fresh?.secretSha256);
    assert.equal(await secretInFile('vaulted'), latest?.value);
    const retiring = (await journalOf('vaulted')).credentials.find((c: { keyId: string }) => c.keyId === old?.keyId);
    assert.ok(retiring.retireAfter, 'the superseded secret retires after the grace period');
  });

  it('a vault write whose answer was lost: the next apply asks the vault, keeps what it holds, mints nothing', async () => {
    deleteVaultSecret();
    // Every write lands and its answer is lost, the SDK's own retries included (it resends on a reset connection).
    t.sandbox.ctx.faults.push({
      kind: 'keyvault',
      method: 'PUT',
      path: /\/secrets\/vaulted-secret$/,
      times: 10,
      action: { type: 'reset', commit: true },
    });
    const lost = await cli('apply');
    assert.equal(lost.code, 7, 'the vault write looked failed');
    assert.ok(t.sandbox.ctx.firedFaults.length > 0);
    t.sandbox.ctx.faults.length = 0;
    const held = vaultVersions().at(-1);
    const credentials = () => (app('vaulted')?.passwordCredentials ?? []).map((c) => c.keyId);
    const before = credentials();
    assert.ok(before.includes(String(held?.tags?.['keyId'])), 'the write landed');
    const r = await cli('apply');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(credentials(), before, 'nothing minted: the vault and the file hold the new secret');
    assert.equal(vaultVersions().at(-1)?.version, held?.version);
    assert.equal(await secretInFile('vaulted'), held?.value);
  });
});
