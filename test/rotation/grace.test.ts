import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseEnv } from 'node:util';
import { after, before, test } from 'node:test';
import { createAdminCredential } from '../../src/auth/admin-credential.ts';
import { run } from '../../src/commands/index.ts';
import type { Deps } from '../../src/core/deps.ts';
import { createTestClock } from '../mail/helpers/test-clock.ts';
import { readJson, startLifecycleTenant } from './helpers.ts';

const DAY = 86_400_000;
const clock = createTestClock(Date.now());
let t: Awaited<ReturnType<typeof startLifecycleTenant>>;
before(async () => {
  t = await startLifecycleTenant({ clock });
});
after(() => t.close());

const keyIds = (uniqueName: string) => t.app(uniqueName).passwordCredentials.map((c) => c.keyId);
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

test('rotate keeps the replaced secret for the grace period (default 7 days); a later rotate removes it once that has passed', async () => {
  await t.provision('grace-default');
  const first = keyIds('grace-default')[0]!;
  const r1 = await t.cli(['rotate', '--app', 'grace-default', '--out', 'grace-default.json'], { clock });
  assert.equal(r1.code, 0, r1.stderr);
  const second = String((await readJson(join(t.dir, 'grace-default.json'))).keyId);
  assert.deepEqual(
    keyIds('grace-default').sort(),
    [first, second].sort(),
    'the replaced secret still signs in for consumers that loaded it',
  );

  const status = await t.cli(['status', '--json'], { clock });
  const app = (
    JSON.parse(status.stdout) as { apps: { uniqueName: string; credentials: { keyId: string; retireAfter?: string }[] }[] }
  ).apps.find((a) => a.uniqueName === 'grace-default');
  const retiring = app?.credentials.find((c) => c.keyId === first);
  assert.equal(Date.parse(String(retiring?.retireAfter)), clock.nowMs() + 7 * DAY, 'status shows when it goes');
  assert.equal(app?.credentials.find((c) => c.keyId === second)?.retireAfter, undefined);
  assert.match((await t.cli(['status'], { clock })).stdout, /retiring \d{4}-\d\d-\d\d/);

  clock.advance(6 * DAY);
  const r2 = await t.cli(['rotate', '--app', 'grace-default', '--out', 'grace-default.json'], { clock });
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(keyIds('grace-default').includes(first), 'six days later the first secret is still inside its grace period');
  clock.advance(2 * DAY);
  const r3 = await t.cli(['rotate', '--app', 'grace-default', '--out', 'grace-default.json'], { clock });
  assert.equal(r3.code, 0, r3.stderr);
  assert.ok(!keyIds('grace-default').includes(first), 'eight days later it is gone');
  assert.ok(keyIds('grace-default').includes(second), 'the second one was replaced two days ago: still in its grace period');
});

test('--grace 0 removes the replaced secret as soon as the new one is confirmed', async () => {
  await t.provision('grace-zero');
  const first = keyIds('grace-zero')[0]!;
  const r = await t.cli(['rotate', '--app', 'grace-zero', '--out', 'grace-zero.json', '--grace', '0'], { clock });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!keyIds('grace-zero').includes(first));
  assert.equal(keyIds('grace-zero').length, 1);
});

test('rotate --all removes secrets past their grace period also on apps that are not due', async () => {
  await t.provision('grace-all');
  const first = keyIds('grace-all')[0]!;
  assert.equal((await t.cli(['rotate', '--app', 'grace-all', '--out', 'grace-all.json', '--grace', '1d'], { clock })).code, 0);
  clock.advance(2 * DAY);
  const r = await t.cli(['rotate', '--all', '--expiring-within', '1d', '--out', '{uniqueName}.json', '--json'], { clock });
  assert.equal(r.code, 0, r.stderr);
  const outcome = (JSON.parse(r.stdout) as { outcomes: { uniqueName: string; status: string; removedKeyIds: string[] }[] }).outcomes.find(
    (o) => o.uniqueName === 'grace-all',
  );
  assert.equal(outcome?.status, 'skipped', 'the app is not due: nothing new is minted');
  assert.deepEqual(outcome?.removedKeyIds, [first]);
  assert.ok(!keyIds('grace-all').includes(first));
});

test('--grace takes 0, days or hours; anything else is a usage error before any request', async () => {
  for (const bad of ['7', '-1d', '7w', '91d', 'soon']) {
    const since = t.sandbox.ctx.log.length;
    const r = await t.cli(['rotate', '--app', 'x', '--out', 'x.json', `--grace=${bad}`], { clock });
    assert.equal(r.code, 2, `--grace ${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--grace/);
    assert.equal(t.sandbox.ctx.log.length, since, `--grace ${bad}: nothing sent`);
  }
});

test('provision --new-secret: the secrets the file no longer holds retire after the grace period instead of staying valid for 180 days', async () => {
  const out = 'grace-new.env';
  const provision = (extra: string[]) =>
    t.cli(
      [
        'provision',
        '--model',
        'graph',
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        'skip',
        '--unique-name',
        'grace-new',
        '--out',
        out,
        '--format',
        'env',
        ...extra,
      ],
      { clock },
    );
  assert.equal((await provision([])).code, 0);
  assert.equal((await provision(['--new-secret'])).code, 0);
  assert.equal((await provision(['--new-secret'])).code, 0);
  assert.equal(keyIds('grace-new').length, 3, 'inside the grace period all three still sign in');
  clock.advance(8 * DAY);
  const r = await provision([]);
  assert.equal(r.code, 0, r.stderr);
  const held = String(parseEnv(await readFile(join(t.dir, out), 'utf8')).AZURE_CLIENT_SECRET);
  const credentials = t.app('grace-new').passwordCredentials;
  assert.equal(credentials.length, 1, 'the two the file no longer holds are gone');
  assert.equal(credentials[0]?.secretSha256, hashOf(held), 'the one left is the one the file holds');
});

test('in a terminal rotate shows what it will rotate and asks; "n" changes nothing, --yes does not ask', async () => {
  await t.provision('grace-ask');
  const before = keyIds('grace-ask');
  const inTerminal = async (argv: string[], answer: string) => {
    let stderr = '';
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.end(answer);
    const deps: Deps = {
      clock,
      env: t.env,
      cwd: t.dir,
      stdout: { write: () => true, isTTY: true },
      stderr: { write: (s: string) => (stderr += s), isTTY: true },
      stdin,
      newId: () => randomUUID().slice(0, 8),
      random: () => 0.5,
      createAdminCredential,
    };
    return { code: await run([...argv, ...t.common], deps), stderr };
  };
  const declined = await inTerminal(['rotate', '--app', 'grace-ask', '--out', 'grace-ask.json'], 'n\n');
  assert.equal(declined.code, 0, declined.stderr);
  assert.match(declined.stderr, /~ rotate grace-ask .*the current one is kept 168 h, then removed/);
  assert.match(declined.stderr, /Nothing was changed/);
  assert.deepEqual(keyIds('grace-ask'), before);
  const approved = await inTerminal(['rotate', '--app', 'grace-ask', '--out', 'grace-ask.json', '--yes'], '');
  assert.equal(approved.code, 0, approved.stderr);
  assert.doesNotMatch(approved.stderr, /Rotate 1 app/);
  assert.equal(keyIds('grace-ask').length, 2);
});
