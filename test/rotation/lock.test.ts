import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { readSinkSecret, startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { journalPath } from '../../src/credentials/journal.ts';
import { lockApp } from '../../src/credentials/lock.ts';

const LOCK = fileURLToPath(new URL('../../src/credentials/lock.ts', import.meta.url));

/** Two runs on one app never interleave (docs/credential-lifecycle.md "Locks"). */
describe('the per-app lock', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const tenantId = () => h.sandbox.snapshot().tenant.id;
  const provisionArgs = (name: string) => [
    'provision',
    ...h.common,
    '--model',
    'graph',
    '--mailbox',
    'noreply@contoso.com',
    '--exchange',
    'skip',
    '--unique-name',
    name,
    '--out',
    join(h.dir, `${name}.env`),
    '--format',
    'env',
  ];
  const addPasswords = (since: number) =>
    h.sandbox.ctx.log.slice(since).filter((e) => e.method === 'POST' && e.path.endsWith('/addPassword')).length;

  it('three provisions of one new app at once mint one secret, and the file holds it', async () => {
    const since = h.sandbox.ctx.log.length;
    const runs = await Promise.all([1, 2, 3].map(() => h.run(provisionArgs('lock-three'))));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.equal(addPasswords(since), 1);
    const app = h.sandbox.snapshot().applications.filter((a) => a.uniqueName === 'lock-three');
    assert.equal(app.length, 1);
    assert.equal(app[0]?.passwordCredentials.length, 1);
    assert.ok(await readSinkSecret(join(h.dir, 'lock-three.env'), h.minted));
  });

  it('a second run waits, then exits 5 naming the holder, having changed nothing', async () => {
    assert.equal((await h.run(provisionArgs('lock-held'))).code, 0);
    const lock = await lockApp(journalPath(h.env, tenantId(), 'lock-held'), { command: 'rotate', nowIso: () => new Date().toISOString() });
    try {
      const since = h.sandbox.ctx.log.length;
      const r = await h.run(['rotate', ...h.common, '--app', 'lock-held', '--out', join(h.dir, 'lock-held.env')], { lockWaitMs: 300 });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, new RegExp(`entra-mail rotate \\(pid ${process.pid} on ${hostname()}`));
      assert.equal(addPasswords(since), 0, 'nothing was minted');
      const p = await h.run(provisionArgs('lock-held'), { lockWaitMs: 300 });
      assert.equal(p.code, 5, p.stderr);
    } finally {
      await lock.release();
    }
    assert.equal(
      (await h.run(['rotate', ...h.common, '--app', 'lock-held', '--out', join(h.dir, 'lock-held.env')])).code,
      0,
      'free again once released',
    );
  });

  it('a provision whose reads fail while it waits for the lock gives the lock back once it has it', async () => {
    assert.equal((await h.run(provisionArgs('lock-failed-read'))).code, 0);
    const path = journalPath(h.env, tenantId(), 'lock-failed-read');
    // The lock is taken beside the first reads (src/provision/observe.ts); here another holder has it, and the reads fail.
    const other = await lockApp(path, { command: 'rotate', nowIso: () => new Date().toISOString() });
    h.sandbox.ctx.faults.push({
      method: 'GET',
      path: /^\/v1\.0\/applications\(uniqueName='lock-failed-read'\)/,
      times: 1,
      action: {
        type: 'status',
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
    });
    const run = h.run(provisionArgs('lock-failed-read'), { lockWaitMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.release();
    const r = await run;
    assert.notEqual(r.code, 0, 'the read failed');
    // A run that returned while its lock was still being taken would take it at its next try (every 200 ms) and keep it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await lockApp(path, { command: 'test', waitMs: 200, nowIso: () => new Date().toISOString() });
    await again.release();
  });

  it('the lock of a run that was killed is taken over at once', async () => {
    assert.equal((await h.run(provisionArgs('lock-dead'))).code, 0);
    const path = journalPath(h.env, tenantId(), 'lock-dead');
    // A process that takes the lock and dies with SIGKILL: no cleanup, its lock directory stays.
    const code = `const { lockApp } = await import(${JSON.stringify(LOCK)}); await lockApp(${JSON.stringify(path)}, { command: 'rotate', nowIso: () => new Date().toISOString() }); process.kill(process.pid, 'SIGKILL');`;
    const signal = await new Promise((resolve) =>
      spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' }).on('close', (_c, s) => resolve(s)),
    );
    assert.equal(signal, 'SIGKILL');
    // Far shorter than the staleness window (10 s): only the dead-holder check can free it in time.
    const r = await h.run(['rotate', ...h.common, '--app', 'lock-dead', '--out', join(h.dir, 'lock-dead.env')], { lockWaitMs: 1000 });
    assert.equal(r.code, 0, r.stderr);
  });
});
