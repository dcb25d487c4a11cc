import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CHECKPOINTS, KILL_AT_ENV, type Checkpoint } from '../../src/provision/checkpoint.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { summarizeApp } from '../../scripts/lib/tenant-invariants.ts';
import { assertConverged, provisionArgs, sinkOf } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Runs the real CLI as a child process that SIGKILLs itself at `checkpoint` (src/provision/checkpoint.ts). */
function runKilledAt(
  h: Harness,
  argv: string[],
  checkpoint: Checkpoint,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...argv], {
      cwd: h.dir,
      env: { ...h.env, [KILL_AT_ENV]: checkpoint },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/**
 * docs/reliability.md#kill-after-secret-minted, docs/reliability.md#kill-at-every-step: the process is killed (SIGKILL, no cleanup) at every step boundary — and
 * between addPassword and delivery — then run again. The tenant must converge to the state an
 * uninterrupted run leaves: one app, one SP, one assignment per permission, and no credential
 * whose secret nobody holds (compared as normalised sandbox snapshots).
 */
describe('kill at every step boundary, then resume', () => {
  let h: Harness;
  let golden: ReturnType<typeof summarizeApp>;
  before(async () => {
    h = await startHarness({ realClock: true });
    const r = await h.run(provisionArgs(h, 'golden', 'smtp'));
    assert.equal(r.code, 0, r.stderr);
    golden = summarizeApp(h.sandbox.snapshot(), 'golden');
  });
  after(async () => {
    try {
      assert.deepEqual(
        await h.scanForLeaks(CHECKPOINTS.map((c) => sinkOf(h, `kill-${c}`)).concat(sinkOf(h, 'golden'), sinkOf(h, 'kill-kept-secret'))),
        [],
      );
    } finally {
      await h.close();
    }
  });

  it('the golden run holds one of everything', () => {
    assert.equal(golden.applications, 1);
    assert.equal(golden.servicePrincipals, 1);
    assert.deepEqual(golden.assignments, { 'Office 365 Exchange Online/SMTP.SendAsApp': 1 });
    assert.equal(golden.managedCredentials, 1);
  });

  it('killed after the config was written but before the journal said so: the resume keeps that secret', async () => {
    const name = 'kill-kept-secret';
    const killed = await runKilledAt(h, provisionArgs(h, name, 'smtp'), 'after-output');
    assert.equal(killed.signal, 'SIGKILL');
    const written = await readFile(sinkOf(h, name), 'utf8');
    const since = h.sandbox.ctx.log.length;
    const resumed = await h.run(provisionArgs(h, name, 'smtp'));
    assert.equal(resumed.code, 0, resumed.stderr);
    const secretCalls = h.sandbox.ctx.log.slice(since).filter((e) => /\/(addPassword|removePassword)$/.test(e.path));
    assert.deepEqual(secretCalls, [], 'the delivered secret was neither revoked nor replaced');
    assert.equal(await readFile(sinkOf(h, name), 'utf8'), written);
    await assertConverged(h, name);
  });

  // Three at a time: each kill spawns a fresh Node process, the costly part of this suite.
  const pending = [...CHECKPOINTS];
  const batches: Checkpoint[][] = [];
  while (pending.length) batches.push(pending.splice(0, 3));
  for (const batch of batches) {
    it(`killed at ${batch.join(', ')} → the rerun converges to the golden state`, async () => {
      await Promise.all(
        batch.map(async (checkpoint) => {
          const name = `kill-${checkpoint}`;
          const killed = await runKilledAt(h, provisionArgs(h, name, 'smtp'), checkpoint);
          assert.equal(killed.signal, 'SIGKILL', `the run reached ${checkpoint} (exit ${killed.code}): ${killed.stderr}`);
          const resumed = await h.run(provisionArgs(h, name, 'smtp'));
          assert.equal(resumed.code, 0, resumed.stderr);
          assert.deepEqual(summarizeApp(h.sandbox.snapshot(), name), golden, `after a kill at ${checkpoint}`);
          await assertConverged(h, name);
        }),
      );
      // One at a time now: a third run changes nothing at all (docs/reliability.md#idempotent-rerun).
      for (const checkpoint of batch) {
        const since = h.sandbox.ctx.log.length;
        const third = await h.run(provisionArgs(h, `kill-${checkpoint}`, 'smtp'));
        assert.equal(third.code, 0, third.stderr);
        assert.deepEqual(
          h.sandbox.ctx.log.slice(since).filter((e) => e.kind === 'graph' && e.method !== 'GET'),
          [],
        );
      }
    });
  }
});
