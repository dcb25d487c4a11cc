import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { journalPath } from '../../src/credentials/journal.ts';
import type { FaultRule } from '../../src/sandbox/context.ts';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { summarizeApp } from '../../scripts/lib/tenant-invariants.ts';
import { ADD_PASSWORD, APP_UPSERT, ASSIGN, assertConverged, provisionArgs, SP_UPSERT, sinkOf } from './helpers.ts';

/** Where the process dies: the request the sandbox answers by SIGKILLing the client instead. */
interface KillPoint {
  name: string;
  rule: Omit<FaultRule, 'action'>;
  /** true: the sandbox carries the request out first, so the change exists but its answer is lost. */
  commit: boolean;
  /** Run the Exchange step (the pwsh stand-in talks to the sandbox), so the run reaches that request. */
  exchangeRun?: boolean;
}

/**
 * The step boundaries of provision, reached from the outside: each kill happens at a request the
 * CLI sends, before it is carried out or after (ambiguous: done, but the CLI never hears).
 */
const KILL_POINTS: KillPoint[] = [
  { name: 'before the application is written', rule: { method: 'PATCH', path: APP_UPSERT }, commit: false },
  { name: 'after the application is written', rule: { method: 'PATCH', path: APP_UPSERT }, commit: true },
  { name: 'after the service principal is written', rule: { method: 'PATCH', path: SP_UPSERT }, commit: true },
  { name: 'before addPassword', rule: { method: 'POST', path: ADD_PASSWORD }, commit: false },
  { name: 'after addPassword minted a secret nobody received', rule: { method: 'POST', path: ADD_PASSWORD }, commit: true },
  { name: 'after the secret was journalled, at the consent request', rule: { method: 'POST', path: ASSIGN }, commit: false },
  { name: 'after consent was written', rule: { method: 'POST', path: ASSIGN }, commit: true },
  {
    name: 'after the config was delivered, at the first Exchange request',
    rule: { kind: 'exchange', path: /./ },
    commit: false,
    exchangeRun: true,
  },
];

/** Waits until the sandbox has answered every request it received (polling; no timing is asserted). */
async function settled(h: Harness): Promise<void> {
  while (h.sandbox.ctx.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** provision for one app, with the Exchange step run by the pwsh stand-in when asked. */
function argsFor(h: Harness, name: string, exchangeRun = false): string[] {
  const args = provisionArgs(h, name, 'smtp');
  return exchangeRun ? args.map((a, i, all) => (all[i - 1] === '--exchange' ? 'run' : a)) : args;
}

/**
 * Runs the real CLI as a child process; the sandbox SIGKILLs it (no cleanup, no exit handlers:
 * a power cut or `kill -9`) when it sends the request `point` names — a fault at the network
 * edge, nothing inside the product.
 */
function runKilledAt(
  h: Harness,
  argv: string[],
  point: KillPoint,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...argv], { cwd: h.dir, env: h.env, stdio: ['ignore', 'ignore', 'pipe'] });
    // `client`: only this run's requests count, so several killed runs can share the sandbox.
    h.sandbox.ctx.faults.push({ ...point.rule, client: child.pid, action: { type: 'kill', commit: point.commit, pid: child.pid } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/**
 * The process is killed (SIGKILL) at every step boundary — and between addPassword and its
 * answer — then run again. The tenant must converge to the state an uninterrupted run leaves: one
 * app, one SP, one assignment per permission, and no credential whose secret nobody holds
 * (compared as normalised sandbox snapshots). docs/reliability.md describes the matrix.
 */
describe('kill at every step boundary, then resume', () => {
  let h: Harness;
  let golden: ReturnType<typeof summarizeApp>;
  const names = KILL_POINTS.map((_, i) => `kill-${i}`);
  before(async () => {
    h = await startHarness({ realClock: true });
    const r = await h.run(provisionArgs(h, 'golden', 'smtp'));
    assert.equal(r.code, 0, r.stderr);
    golden = summarizeApp(h.sandbox.snapshot(), 'golden');
  });
  after(async () => {
    try {
      assert.deepEqual(await h.scanForLeaks(names.map((n) => sinkOf(h, n)).concat(sinkOf(h, 'golden'), sinkOf(h, 'kill-kept-secret'))), []);
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
    const point = KILL_POINTS.at(-1) as KillPoint;
    const killed = await runKilledAt(h, argsFor(h, name, true), point);
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    await settled(h);
    // The journal is written right after the config; a crash between the two leaves the entry
    // at 'delivering' with the sink's hash. Put it back there, as that crash would have.
    const path = journalPath(h.env, h.sandbox.settings.tenantId, name);
    const journal = JSON.parse(await readFile(path, 'utf8')) as { credentials: { status: string; sinks?: { state: string }[] }[] };
    const last = journal.credentials.at(-1);
    assert.equal(last?.status, 'delivered');
    if (last) {
      last.status = 'delivering';
      for (const sink of last.sinks ?? []) sink.state = 'pending';
    }
    await writeFile(path, JSON.stringify(journal));
    const written = await readFile(sinkOf(h, name), 'utf8');
    const since = h.sandbox.ctx.log.length;
    const resumed = await h.run(provisionArgs(h, name, 'smtp'));
    assert.equal(resumed.code, 0, resumed.stderr);
    const secretCalls = h.sandbox.ctx.log.slice(since).filter((e) => /\/(addPassword|removePassword)$/.test(e.path));
    assert.deepEqual(secretCalls, [], 'the delivered secret was neither revoked nor replaced');
    assert.equal(await readFile(sinkOf(h, name), 'utf8'), written);
    await assertConverged(h, name);
  });

  // One kill at a time: a killed run may leave a request in flight (the addPassword it sent beside
  // the service principal write), which the sandbox still carries out; the resume starts only once
  // the sandbox has answered everything, as a rerun after a real crash would find the tenant.
  KILL_POINTS.forEach((point, i) => {
    it(`killed ${point.name} → the rerun converges to the golden state`, async () => {
      const name = `kill-${i}`;
      const killed = await runKilledAt(h, argsFor(h, name, point.exchangeRun), point);
      assert.equal(killed.signal, 'SIGKILL', `the run reached the request (exit ${killed.code}): ${killed.stderr}`);
      assert.equal(h.sandbox.ctx.faults.length, 0, 'the kill rule fired');
      await settled(h);
      const resumed = await h.run(provisionArgs(h, name, 'smtp'));
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(summarizeApp(h.sandbox.snapshot(), name), golden, `after a kill ${point.name}`);
      await assertConverged(h, name);
      // A third run changes nothing at all.
      const since = h.sandbox.ctx.log.length;
      const third = await h.run(provisionArgs(h, name, 'smtp'));
      assert.equal(third.code, 0, third.stderr);
      assert.deepEqual(
        h.sandbox.ctx.log.slice(since).filter((e) => e.kind === 'graph' && e.method !== 'GET'),
        [],
      );
    });
  });
});
