import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SecretClient } from '@azure/keyvault-secrets';
import { ClientSecretCredential } from '@azure/identity';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { readJournal, journalPath } from '../../src/credentials/journal.ts';
import { readJson, startLifecycleTenant } from './helpers.ts';

let t: Awaited<ReturnType<typeof startLifecycleTenant>>;
before(async () => {
  t = await startLifecycleTenant();
});
after(() => t.close());

test('status lists managed apps found by the tags/any filter, and --expiring-within exits 10 when one is due', async () => {
  await t.provision('st-one');
  await t.provision('st-two', 'smtp');
  t.sandbox.ctx.state.applications.push({
    ...structuredClone(t.app('st-one')),
    id: crypto.randomUUID(),
    appId: crypto.randomUUID(),
    uniqueName: 'not-ours',
    tags: ['other'],
  });
  const r = await t.cli(['status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    apps: { uniqueName: string; model: string; consent: string; credentials: { marker: string | null }[] }[];
  };
  const names = doc.apps.map((a) => a.uniqueName);
  assert.ok(names.includes('st-one') && names.includes('st-two'));
  assert.ok(!names.includes('not-ours'), 'an app without the tag is not listed');
  const two = doc.apps.find((a) => a.uniqueName === 'st-two');
  assert.equal(two?.model, 'smtp');
  assert.equal(two?.consent, 'granted');
  assert.match(String(two?.credentials[0]?.marker), /^entra-mail:/);
  assert.ok(
    t.sandbox.ctx.log.some((e) => e.path === '/v1.0/applications' && e.status === 200),
    'listed through $filter',
  );
  assert.equal((await t.cli(['status', '--expiring-within', '30d'])).code, 0);
  const due = await t.cli(['status', '--expiring-within', '400d']);
  assert.equal(due.code, 10);
  assert.match(due.stdout, /DUE/);
});

test('rotate --all --expiring-within rotates every due app and reports each outcome', async () => {
  const r = await t.cli(['rotate', '--all', '--expiring-within', '400d', '--out', '{uniqueName}.rotated.json', '--json', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  const outcomes = (JSON.parse(r.stdout) as { outcomes: { uniqueName: string; status: string }[] }).outcomes;
  assert.deepEqual(
    outcomes
      .filter((o) => o.status === 'rotated')
      .map((o) => o.uniqueName)
      .sort(),
    ['st-one', 'st-two'],
  );
  for (const name of ['st-one', 'st-two']) {
    const file = await readJson(join(t.dir, `${name}.rotated.json`));
    assert.deepEqual(
      t.app(name).passwordCredentials.map((c) => c.keyId),
      [file.keyId],
    );
  }
  const again = await t.cli([
    'rotate',
    '--all',
    '--expiring-within',
    '30d',
    '--out',
    '{uniqueName}.rotated.json',
    '--json',
    '--grace',
    '0',
  ]);
  assert.ok((JSON.parse(again.stdout) as { outcomes: { status: string }[] }).outcomes.every((o) => o.status === 'skipped'));
});

test('Key Vault sink: the new secret becomes the current version, tagged with its keyId; a failed verification puts the old value back', async () => {
  await t.provision('kv-app');
  const vault = t.sandbox.settings.keyVaultUrl;
  const r = await t.cli(['rotate', '--app', 'kv-app', '--key-vault', vault, '--key-vault-secret', 'kv-app-secret', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  const { settings } = t.sandbox;
  const kv = new SecretClient(
    vault,
    new ClientSecretCredential(settings.tenantId, settings.adminClientId, settings.adminClientSecret.reveal(), {
      authorityHost: settings.authorityHost,
      disableInstanceDiscovery: true,
    }),
    { disableChallengeResourceVerification: true },
  );
  const current = await kv.getSecret('kv-app-secret');
  const keyId = t.app('kv-app').passwordCredentials[0]!.keyId;
  assert.equal(current.properties.tags?.keyId, keyId);
  t.sandbox.ctx.knobs.replicationMs = 3_600_000;
  try {
    const failed = await t.cli([
      'rotate',
      '--app',
      'kv-app',
      '--key-vault',
      vault,
      '--key-vault-secret',
      'kv-app-secret',
      '--verify-timeout',
      '1',
    ]);
    assert.equal(failed.code, 7, failed.stderr);
  } finally {
    t.sandbox.ctx.knobs.replicationMs = 0;
  }
  const after = await kv.getSecret('kv-app-secret');
  assert.equal(after.value, current.value, 'readers of the latest version get the old, working secret');
  assert.equal(after.properties.tags?.keyId, keyId);
  const versions: { enabled?: boolean }[] = [];
  for await (const p of kv.listPropertiesOfSecretVersions('kv-app-secret')) versions.push(p);
  assert.equal(versions.filter((v) => v.enabled === false).length, 1, 'the failed version is disabled');
  assert.deepEqual(
    t.app('kv-app').passwordCredentials.map((c) => c.keyId),
    [keyId],
  );
});

test('--credential certificate: only the public part goes to Entra, the PEM is 0600, and verify signs in with it', async () => {
  await t.provision('cert-app');
  const r = await t.cli([
    'rotate',
    '--app',
    'cert-app',
    '--credential',
    'certificate',
    '--certificate-out',
    'cert-app.pem',
    '--grace',
    '0',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const pemPath = join(t.dir, 'cert-app.pem');
  assert.equal((await lstat(pemPath)).mode & 0o777, 0o600);
  const pem = await readFile(pemPath, 'utf8');
  assert.match(pem, /BEGIN PRIVATE KEY[\s\S]*BEGIN CERTIFICATE/);
  const keys = t.app('cert-app').keyCredentials;
  assert.equal(keys.length, 1);
  assert.ok(!Buffer.from(keys[0]!.key, 'base64').toString('latin1').includes('PRIVATE'), 'public certificate only');
  assert.equal(t.app('cert-app').passwordCredentials.length, 1, 'the secret is a different kind and stays');
  const tokens = t.sandbox.ctx.log.filter(
    (e) => e.kind === 'token' && e.method === 'POST' && e.caller === t.app('cert-app').appId && e.status === 200,
  );
  assert.ok(tokens.length >= 3, 'the certificate was confirmed with client assertions');
  const verify = await t.cli([
    'verify',
    '--client-id',
    t.app('cert-app').appId,
    '--model',
    'graph',
    '--mailbox',
    'noreply@contoso.com',
    '--certificate',
    pemPath,
    '--private-key',
    pemPath,
    '--no-send',
    '--tenant',
    t.sandbox.settings.tenantId,
    '--authority-host',
    t.sandbox.settings.authorityHost,
    '--graph-endpoint',
    t.sandbox.settings.graphEndpoint,
  ]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  // A second certificate rotation replaces the first and keeps nothing else.
  const again = await t.cli([
    'rotate',
    '--app',
    'cert-app',
    '--credential',
    'certificate',
    '--certificate-out',
    'cert-app.pem',
    '--grace',
    '0',
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(t.app('cert-app').keyCredentials.length, 1);
  assert.notEqual(t.app('cert-app').keyCredentials[0]!.keyId, keys[0]!.keyId);
});

test('killed while its --on-rotate command ran: the command may hold the new secret, so the next run keeps it until its own is confirmed (row 12)', async () => {
  await t.provision('kill-app');
  const before = t.app('kill-app').passwordCredentials.map((c) => c.keyId);
  // The hook kills its parent: the secret was minted, delivery never finished.
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [CLI_MAIN, 'rotate', '--app', 'kill-app', '--on-rotate', 'sh -c "kill -9 $PPID"', ...t.common], {
      cwd: process.cwd(),
      env: t.env,
      stdio: 'ignore',
    });
    child.on('exit', (c, signal) => resolve(signal === 'SIGKILL' ? -9 : c));
  });
  assert.equal(code, -9);
  const app = t.app('kill-app');
  assert.equal(app.passwordCredentials.length, 2, 'the interrupted credential is still on the app');
  const journal = await readJournal(journalPath(t.env, t.sandbox.settings.tenantId, 'kill-app'));
  const orphan = app.passwordCredentials.find((c) => !before.includes(c.keyId))!;
  const entry = journal?.credentials.find((c) => c.keyId === orphan.keyId);
  assert.equal(entry?.status, 'delivering');
  assert.deepEqual(entry?.sinks, [{ id: 'command:sh', state: 'pending' }], 'journalled before the command started');
  const r = await t.cli(['rotate', '--app', 'kill-app', '--out', 'kill-app.json', '--json', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  const outcome = (JSON.parse(r.stdout) as { outcomes: { orphansRemoved: string[]; removedKeyIds: string[] }[] }).outcomes[0];
  assert.deepEqual(outcome?.orphansRemoved, [], 'not revoked before the new secret was delivered and confirmed');
  assert.deepEqual(outcome?.removedKeyIds.sort(), [...before, orphan.keyId].sort());
  const file = await readJson(join(t.dir, 'kill-app.json'));
  assert.deepEqual(
    t.app('kill-app').passwordCredentials.map((c) => c.keyId),
    [file.keyId],
    'no orphan, no old secret',
  );
});

test('usage: a secret with no sink, --all without a window, and a symlinked --out are refused before anything is sent', async () => {
  assert.equal((await t.cli(['rotate', '--app', 'st-one'])).code, 2);
  assert.equal((await t.cli(['rotate', '--all', '--out', 'x.json'])).code, 2);
  await writeFile(join(t.dir, 'real.json'), '{}');
  const { symlink } = await import('node:fs/promises');
  await symlink(join(t.dir, 'real.json'), join(t.dir, 'link.json'));
  const keyIds = t.app('st-one').passwordCredentials.map((c) => c.keyId);
  const r = await t.cli(['rotate', '--app', 'st-one', '--out', 'link.json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /symbolic link/);
  assert.deepEqual(
    t.app('st-one').passwordCredentials.map((c) => c.keyId),
    keyIds,
    'the minted secret was removed again',
  );
});
