import assert from 'node:assert/strict';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { encodings, readJson, startLifecycleTenant } from './helpers.ts';
import { createTestClock } from '../mail/helpers/test-clock.ts';

const clock = createTestClock(Date.now());
let t: Awaited<ReturnType<typeof startLifecycleTenant>>;
before(async () => {
  t = await startLifecycleTenant({ clock });
});
after(() => t.close());

const secrets = () => new Set<string>();
const seen = secrets();

test('rotate adds, delivers to --out (0600), confirms, then removes only the old entra-mail secret', async () => {
  const before = structuredClone(await t.provision('rot-basic'));
  const oldKeyId = before.passwordCredentials[0]?.keyId;
  // A secret someone else made on the same app: never touched (docs/reliability.md#foreign-credentials).
  t.sandbox.ctx.state.applications
    .find((a) => a.uniqueName === 'rot-basic')!
    .passwordCredentials.push({
      ...before.passwordCredentials[0]!,
      keyId: '11111111-1111-4111-8111-111111111111',
      displayName: 'made by hand',
    });
  const r = await t.cli(['rotate', '--app', 'rot-basic', '--out', 'rot-basic.json', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  const file = await readJson(join(t.dir, 'rot-basic.json'));
  seen.add(String(file.clientSecret));
  const keyIds = t.app('rot-basic').passwordCredentials.map((c) => c.keyId);
  assert.ok(keyIds.includes(String(file.keyId)), 'the file names the new credential');
  assert.ok(!keyIds.includes(oldKeyId!), 'the old entra-mail secret is gone');
  assert.ok(keyIds.includes('11111111-1111-4111-8111-111111111111'), 'the foreign secret survives');
  assert.equal(keyIds.length, 2);
  assert.equal((await lstat(join(t.dir, 'rot-basic.json'))).mode & 0o777, 0o600);
  assert.deepEqual(file.previousKeyIds, [oldKeyId]);
});

test('the three confirming token requests each reach the token endpoint, through one credential instance', async () => {
  await t.provision('rot-one-credential');
  const appId = t.app('rot-one-credential').appId;
  const since = t.sandbox.ctx.log.length;
  const r = await t.cli(['rotate', '--app', 'rot-one-credential', '--out', 'rot-one-credential.json', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  seen.add(String((await readJson(join(t.dir, 'rot-one-credential.json'))).clientSecret));
  const log = t.sandbox.ctx.log.slice(since);
  const added = log.findIndex((e) => e.path.endsWith('/addPassword'));
  const removed = log.findIndex((e) => e.path.endsWith('/removePassword'));
  const confirming = log.slice(added + 1, removed);
  const tokens = confirming.filter((e) => e.kind === 'token' && e.method === 'POST' && e.caller === appId);
  assert.deepEqual(
    tokens.map((e) => e.status),
    [200, 200, 200],
    'three token requests as the app, none answered from a cache',
  );
  // Each credential instance has its own MSAL client, which reads a non-Microsoft authority's metadata once
  // (docs/sdk-behaviour.md#azureidentity-and-msal-node): one read means one instance for the three.
  const metadata = confirming.filter((e) => e.kind === 'token' && e.method === 'GET' && e.path.endsWith('/openid-configuration'));
  assert.equal(metadata.length, 1);
});

test('replication: the new secret is refused for 20 s, the old one stays until three tokens in a row pass (row 15)', async () => {
  await t.provision('rot-replication');
  const oldKeyId = t.app('rot-replication').passwordCredentials[0]!.keyId;
  t.sandbox.ctx.knobs.replicationMs = 20_000;
  try {
    const started = clock.nowMs();
    const since = t.sandbox.ctx.log.length;
    const r = await t.cli(['rotate', '--app', 'rot-replication', '--out', 'rot-replication.json', '--grace', '0'], { clock });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(clock.nowMs() - started >= 20_000, 'it waited for replication');
    assert.ok(clock.nowMs() - started <= 120_000, 'within the 2-minute bound');
    const log = t.sandbox.ctx.log.slice(since);
    const refusals = log.map((e, i) => (e.kind === 'token' && e.status === 401 ? i : -1)).filter((i) => i >= 0);
    assert.ok(refusals.length >= 1, 'the sandbox refused the fresh secret at first');
    const removal = log.findIndex((e) => e.path.endsWith('/removePassword'));
    const successes = log.slice(Math.max(...refusals)).filter((e) => e.kind === 'token' && e.method === 'POST' && e.status === 200).length;
    assert.ok(removal > Math.max(...refusals), 'the old secret was removed only after the new one worked');
    assert.ok(successes >= 3, 'three token requests in a row succeeded first');
    assert.ok(!t.app('rot-replication').passwordCredentials.some((c) => c.keyId === oldKeyId));
    seen.add(String((await readJson(join(t.dir, 'rot-replication.json'))).clientSecret));
  } finally {
    t.sandbox.ctx.knobs.replicationMs = 0;
  }
});

test('failed verification keeps the old secret and the old file, removes the new one, exits non-zero (row 16)', async () => {
  await t.provision('rot-fail');
  await t.cli(['rotate', '--app', 'rot-fail', '--out', 'rot-fail.json', '--grace', '0']);
  const good = await readFile(join(t.dir, 'rot-fail.json'), 'utf8');
  const goodKeyId = t.app('rot-fail').passwordCredentials.map((c) => c.keyId);
  t.sandbox.ctx.knobs.replicationMs = 3_600_000;
  try {
    const hook = join(t.dir, 'hook-events.jsonl');
    const r = await t.cli(
      [
        'rotate',
        '--app',
        'rot-fail',
        '--out',
        'rot-fail.json',
        '--on-rotate',
        `sh -c 'cat >> ${hook}; echo --- >> ${hook}'`,
        '--verify-timeout',
        '30',
      ],
      { clock },
    );
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /three token requests in a row/);
    assert.equal(await readFile(join(t.dir, 'rot-fail.json'), 'utf8'), good, 'config unchanged');
    assert.deepEqual(
      t.app('rot-fail').passwordCredentials.map((c) => c.keyId),
      goodKeyId,
      'old secret kept, new one removed',
    );
    const events = (await readFile(hook, 'utf8'))
      .split('---')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => e.event),
      ['rotated', 'rollback'],
    );
    assert.deepEqual(events[1]?.keyIds, goodKeyId);
    seen.add(String(events[0]?.clientSecret));
    seen.add(String(JSON.parse(good).clientSecret));
  } finally {
    t.sandbox.ctx.knobs.replicationMs = 0;
  }
});

test('an ambiguous addPassword (committed, then 504) is not retried blindly: its credential is removed and one more is added (row 10)', async () => {
  await t.provision('rot-ambiguous');
  t.sandbox.ctx.faults.push({ method: 'POST', path: /\/addPassword$/, action: { type: 'status', status: 504, commit: true } });
  const r = await t.cli(['rotate', '--app', 'rot-ambiguous', '--out', 'rot-ambiguous.json', '--grace', '0']);
  assert.equal(r.code, 0, r.stderr);
  const file = await readJson(join(t.dir, 'rot-ambiguous.json'));
  seen.add(String(file.clientSecret));
  const creds = t.app('rot-ambiguous').passwordCredentials;
  assert.deepEqual(
    creds.map((c) => c.keyId),
    [file.keyId],
    'exactly the delivered credential; no orphan',
  );
});

test('tenant policies are not retried: exit 5 names the policy and suggests a certificate or a shorter lifetime (rows 18–19)', async () => {
  await t.provision('rot-policy');
  const policy = t.sandbox.ctx.state.appManagementPolicy;
  const since = t.sandbox.ctx.log.length;
  policy.passwordCredentialsAllowed = false;
  try {
    const r = await t.cli(['rotate', '--app', 'rot-policy', '--out', 'rot-policy.json']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /CredentialTypeNotAllowedAsPerAppPolicy/);
    assert.ok(r.stderr.includes(policy.policyId));
    assert.match(r.stderr, /--credential certificate/);
    assert.equal(t.sandbox.ctx.log.slice(since).filter((e) => e.path.endsWith('/addPassword')).length, 1);
  } finally {
    policy.passwordCredentialsAllowed = true;
  }
  policy.maxPasswordLifetimeDays = 90;
  try {
    const r = await t.cli(['rotate', '--app', 'rot-policy', '--out', 'rot-policy.json', '--secret-lifetime', '180d']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /CredentialInvalidLifetimeAsPerAppPolicy/);
    assert.match(r.stderr, /shorter --secret-lifetime/);
    const ok = await t.cli(['rotate', '--app', 'rot-policy', '--out', 'rot-policy.json', '--secret-lifetime', '60d']);
    assert.equal(ok.code, 0, ok.stderr);
    seen.add(String((await readJson(join(t.dir, 'rot-policy.json'))).clientSecret));
  } finally {
    delete policy.maxPasswordLifetimeDays;
  }
});

test('--profile re-renders the product output with the new secret; --show-secret prints it only when asked', async () => {
  await t.provision('rot-profile', 'smtp');
  const r = await t.cli([
    'rotate',
    '--app',
    'rot-profile',
    '--profile',
    'generic-smtp',
    '--format',
    'env',
    '--mailbox',
    'noreply@contoso.com',
    '--out',
    'rot-profile.env',
    '--show-secret',
    '--grace',
    '0',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const env = await readFile(join(t.dir, 'rot-profile.env'), 'utf8');
  const secret = t.app('rot-profile').passwordCredentials[0]!;
  const line = env.split('\n').find((l) => l.includes(secret.hint) && /SECRET/i.test(l));
  assert.ok(line, 'the env file carries the new secret');
  assert.ok(r.stdout.includes(line!.split('=').slice(1).join('=').replace(/^"|"$/g, '')), '--show-secret printed it');
});

test('canary: no secret appears in any output of the runs above unless --show-secret was given (row 22)', () => {
  const leaks: string[] = [];
  for (const run of t.outputs) {
    if (run.argv.includes('--show-secret')) continue;
    const text = `${run.stdout}\n${run.stderr}`;
    for (const secret of seen) for (const form of encodings(secret)) if (secret && text.includes(form)) leaks.push(form.slice(0, 6));
  }
  assert.ok(seen.size >= 5, 'secrets were collected');
  assert.deepEqual(leaks, []);
});
