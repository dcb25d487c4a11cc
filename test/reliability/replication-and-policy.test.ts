import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { journalPath } from '../../src/credentials/journal.ts';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { ADD_PASSWORD, APP_UPSERT, assertConverged, provisionArgs, requestsTo, sinkOf } from './helpers.ts';

/** docs/reliability.md#app-visible-after-create, docs/reliability.md#replication-never-completes (replication on every object, and replication that never completes) and 18–20 (policies, privileges). */
describe('replication delays on each object', () => {
  for (const model of ['graph', 'smtp', 'delegated-smtp'] as const) {
    it(`row 1: ${model}: every new object invisible for 40 s → no second create, success within the deadline`, async () => {
      const h = await startHarness({ knobs: { replicationMs: 40_000 } });
      try {
        const started = h.clock.nowMs();
        const r = await h.run(provisionArgs(h, `slow-${model}`, model), { stepDeadlineMs: 300_000 });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(requestsTo(h, 'PATCH', APP_UPSERT), 1, 'one create, never a second');
        assert.ok(h.clock.sleeps.length > 0, 'the replication window was waited out');
        assert.ok(h.clock.nowMs() - started <= 3 * 300_000, 'no step waited past its deadline');
        await assertConverged(h, `slow-${model}`, model === 'delegated-smtp' ? 0 : 1);
        assert.deepEqual(await h.scanForLeaks([sinkOf(h, `slow-${model}`)]), []);
      } finally {
        await h.close();
      }
    });
  }

  it('row 2: replication never completes → exit 7 naming step, object and request-id; the journal keeps the app id; a rerun makes no new app', async () => {
    const h = await startHarness({ knobs: { replicationMs: 3_600_000 } });
    try {
      const r = await h.run(provisionArgs(h, 'never-visible'), { stepDeadlineMs: 60_000 });
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stderr, /step: service-principal/);
      assert.match(r.stderr, /object: service principal of app [0-9a-f-]{36}/);
      assert.match(r.stderr, /request-id: [0-9a-f-]{36}/);
      const app = h.sandbox.snapshot().applications.find((a) => a.uniqueName === 'never-visible');
      assert.ok(app);
      const journal = JSON.parse(await readFile(journalPath(h.env, h.sandbox.settings.tenantId, 'never-visible'), 'utf8'));
      assert.equal(journal.appId, app.appId);
      // Replication finally completes; new objects from here on replicate at once.
      h.clock.advance(3_600_000);
      h.sandbox.ctx.knobs.replicationMs = 0;
      const again = await h.run(provisionArgs(h, 'never-visible'), { stepDeadlineMs: 60_000 });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(requestsTo(h, 'PATCH', APP_UPSERT), 1, 'the rerun found the app; no new one');
      await assertConverged(h, 'never-visible');
    } finally {
      await h.close();
    }
  });
});

describe('tenant policies and privileges', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('row 18: the tenant bans secrets → exit 5 with the policy id, exactly one addPassword, no retry', async () => {
    const policy = h.sandbox.ctx.state.appManagementPolicy;
    policy.passwordCredentialsAllowed = false;
    try {
      const since = h.sandbox.ctx.log.length;
      const r = await h.run(provisionArgs(h, 'no-secrets'));
      assert.equal(r.code, 5, r.stderr);
      assert.ok(r.stderr.includes(policy.policyId), r.stderr);
      assert.match(r.stderr, /certificate/);
      assert.equal(requestsTo(h, 'POST', ADD_PASSWORD, since), 1);
    } finally {
      policy.passwordCredentialsAllowed = true;
    }
  });

  it('row 19: a lifetime cap → exit 5 naming the cap, at most 2 calls', async () => {
    const policy = h.sandbox.ctx.state.appManagementPolicy;
    policy.maxPasswordLifetimeDays = 90;
    try {
      const since = h.sandbox.ctx.log.length;
      const r = await h.run(provisionArgs(h, 'capped', 'graph', ['--secret-lifetime', '180d']));
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /90 days/);
      assert.ok(requestsTo(h, 'POST', ADD_PASSWORD, since) <= 2);
      const ok = await h.run(provisionArgs(h, 'capped', 'graph', ['--secret-lifetime', '60d']));
      assert.equal(ok.code, 0, ok.stderr);
      await assertConverged(h, 'capped');
    } finally {
      delete policy.maxPasswordLifetimeDays;
    }
  });

  it('row 20: 403 Authorization_RequestDenied on a write → exit 4 naming the permission, one call', async () => {
    const since = h.sandbox.ctx.log.length;
    h.sandbox.ctx.faults.push({
      method: 'POST',
      path: ADD_PASSWORD,
      action: {
        type: 'status',
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
    });
    const r = await h.run(provisionArgs(h, 'denied'));
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /Application\.ReadWrite\.All/);
    assert.match(r.stderr, /step: secret/);
    assert.equal(requestsTo(h, 'POST', ADD_PASSWORD, since), 1);
  });
});
