import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { startHarness, type Harness } from '../sandbox-harness.ts';
import { call } from './helpers.ts';

/**
 * `--latency-ms` (docs/sandbox-fidelity.md#latency): a request's answer waits for the latency from its
 * arrival, and the work is done at once, so requests sent side by side are each answered after the
 * latency. The latency's wait is held here until the test lets it go: what the sandbox did before
 * answering is then seen without any timing.
 */
const LATENCY_MS = 60_000;

describe('latency: counted from arrival, the work done at once', () => {
  const held: { ms: number; release: () => void }[] = [];
  // Real time; only the sandbox's long waits (the latency) wait for the test.
  const clock: Clock = {
    now: () => systemClock.now(),
    nowMs: () => systemClock.nowMs(),
    sleep: (ms, signal) => (ms < LATENCY_MS / 2 ? systemClock.sleep(ms, signal) : new Promise((release) => held.push({ ms, release }))),
  };
  const releaseAll = () => {
    for (const wait of held.splice(0)) wait.release();
  };
  /** Lets every held answer go until `work` settles (a sign-in: metadata, then token). */
  const whileReleasing = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const settled = work.finally(() => {
      done = true;
    });
    while (!done) {
      releaseAll();
      await systemClock.sleep(5);
    }
    return settled;
  };
  const until = async (condition: () => boolean) => {
    while (!condition()) await systemClock.sleep(5);
  };
  let h: Harness;
  let token: string;
  before(async () => {
    h = await startHarness({ clock, knobs: { latencyMs: LATENCY_MS } });
    token = await whileReleasing(h.adminToken());
  });
  after(async () => {
    releaseAll();
    await h.close();
  });

  it("a write is carried out on arrival; its answer, and the request log's entry, wait for the latency", async () => {
    const logged = h.sandbox.ctx.log.length;
    const answer = call(h, 'POST', '/v1.0/applications', { token, body: { displayName: 'Latency Held' } });
    await until(() => held.length === 1);
    assert.ok(
      h.sandbox.snapshot().applications.some((a) => a.displayName === 'Latency Held'),
      'the application exists while its answer still waits',
    );
    assert.ok((held[0]?.ms ?? 0) <= LATENCY_MS, 'the wait is what is left of the latency since the arrival');
    assert.equal(h.sandbox.ctx.log.length, logged, 'nothing is logged as answered before the answer');
    releaseAll();
    const created = await answer;
    assert.equal(created.status, 201);
    assert.equal(h.sandbox.ctx.log.at(-1)?.method, 'POST');
  });

  it('requests sent side by side are all held at once, each for the latency from its own arrival', async () => {
    const paths = ['/v1.0/organization', "/v1.0/applications(uniqueName='nothing-here')", '/v1.0/servicePrincipals?$top=1'];
    const answers = paths.map((path) => call(h, 'GET', path, { token }));
    await until(() => held.length === paths.length);
    assert.ok(
      held.every((wait) => wait.ms <= LATENCY_MS && wait.ms > LATENCY_MS / 2),
      'each waits for the rest of its own latency',
    );
    releaseAll();
    assert.deepEqual(
      (await Promise.all(answers)).map((a) => a.status),
      [200, 404, 200],
    );
  });
});
