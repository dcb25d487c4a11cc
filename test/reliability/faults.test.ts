import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../../scripts/lib/harness.ts';
import { ADD_PASSWORD, APP_UPSERT, ASSIGN, SP_UPSERT, assertConverged, provisionArgs, requestsTo, sinkOf } from './helpers.ts';

/**
 * Fault injection against the sandbox (docs/reliability.md#replication-and-policy, docs/reliability.md#throttling-and-transient-errors, docs/reliability.md#ambiguous-writes-and-crashes): the real CLI in-process,
 * real HTTPS, a virtual clock shared with the sandbox so minutes of replication cost nothing.
 * Every case ends with the tenant converged, and the whole describe with a canary scan.
 */

/** The first read of every provision: the app by its unique name (the tenant id comes from the token). */
const FIRST_READ = /^\/v1\.0\/applications\(uniqueName=/;

describe('faults on reads and writes: the run survives and converges', () => {
  let h: Harness;
  const sinks: string[] = [];
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    // Rows 22–23 across every case above, with --verbose: no secret or admin token anywhere.
    try {
      assert.deepEqual(await h.scanForLeaks(sinks), []);
    } finally {
      await h.close();
    }
  });

  const provision = async (name: string, model = 'graph', extra: string[] = [], stepDeadlineMs?: number) => {
    sinks.push(sinkOf(h, name));
    return h.run(provisionArgs(h, name, model, extra), { stepDeadlineMs });
  };

  it('row 3: SP create races the app (400 NoBackingApplicationObject ×3) → retried, 4 upserts, one SP', async () => {
    const since = h.sandbox.ctx.log.length;
    h.sandbox.ctx.faults.push({
      method: 'PATCH',
      path: SP_UPSERT,
      times: 3,
      action: {
        type: 'status',
        status: 400,
        code: 'Request_BadRequest',
        message: 'The appId of the service principal does not reference a valid application object.',
        details: [{ code: 'NoBackingApplicationObject', target: 'appId' }],
      },
    });
    const r = await provision('race-sp');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(requestsTo(h, 'PATCH', SP_UPSERT, since), 4);
    await assertConverged(h, 'race-sp');
  });

  it('row 4: misleading 403 on SP create ×2 → treated as replication', async () => {
    h.sandbox.ctx.faults.push({
      method: 'PATCH',
      path: SP_UPSERT,
      times: 2,
      action: {
        type: 'status',
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'The backing application of the service principal being created must in the local tenant.',
      },
    });
    const r = await provision('misleading-403');
    assert.equal(r.code, 0, r.stderr);
    await assertConverged(h, 'misleading-403');
  });

  it('row 5: assignment answers "Not a valid reference update" ×2, then succeeds; exactly one assignment', async () => {
    h.sandbox.ctx.faults.push({
      method: 'POST',
      path: ASSIGN,
      times: 2,
      action: { type: 'status', status: 400, code: 'Request_BadRequest', message: 'Not a valid reference update.' },
    });
    const r = await provision('ref-update');
    assert.equal(r.code, 0, r.stderr);
    await assertConverged(h, 'ref-update');
  });

  it('row 5: an assignment that committed but answered "already exists" is confirmed by a read', async () => {
    h.sandbox.ctx.faults.push({
      method: 'POST',
      path: ASSIGN,
      action: {
        type: 'status',
        status: 400,
        code: 'Request_BadRequest',
        message: 'Permission being assigned already exists on the object',
        commit: true,
      },
    });
    const r = await provision('already-exists');
    assert.equal(r.code, 0, r.stderr);
    await assertConverged(h, 'already-exists');
  });

  it('row 6: PATCH answers 409 Error_MsaAppDoesNotExist ×3 → 4 PATCH calls, success', async () => {
    const since = h.sandbox.ctx.log.length;
    h.sandbox.ctx.faults.push({
      method: 'PATCH',
      path: APP_UPSERT,
      times: 3,
      action: { type: 'status', status: 409, code: 'Error_MsaAppDoesNotExist', message: 'The application does not exist.' },
    });
    const r = await provision('msa-409');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(requestsTo(h, 'PATCH', APP_UPSERT, since), 4);
    await assertConverged(h, 'msa-409');
  });

  it('row 7: 429 Retry-After: 7 → the next attempt waits ≥ 7 s; the sandbox saw no early retry', async () => {
    const sleepsBefore = h.clock.sleeps.length;
    h.sandbox.ctx.faults.push({
      method: 'GET',
      path: FIRST_READ,
      action: { type: 'status', status: 429, headers: { 'Retry-After': '7' } },
    });
    const r = await provision('retry-after-7');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(h.clock.sleeps.slice(sleepsBefore).includes(7000), `slept ${h.clock.sleeps.slice(sleepsBefore)}`);
    assert.deepEqual(h.sandbox.ctx.earlyRetries, []);
    await assertConverged(h, 'retry-after-7');
  });

  const retryAfterCases: [string, string, (sleeps: number[]) => boolean][] = [
    ['a past HTTP-date → retry at once', 'Sun, 06 Nov 1994 08:49:37 GMT', (s) => s.includes(0)],
    ['garbage → exponential backoff', 'soon-ish', (s) => s.some((ms) => ms >= 500 && ms <= 1000)],
  ];
  for (const [label, value, check] of retryAfterCases) {
    it(`row 8: Retry-After ${label}`, async () => {
      const sleepsBefore = h.clock.sleeps.length;
      const name = `retry-after-${h.clock.sleeps.length}`;
      h.sandbox.ctx.faults.push({
        method: 'PATCH',
        path: APP_UPSERT,
        action: { type: 'status', status: 429, headers: { 'Retry-After': value } },
      });
      const r = await provision(name);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(check(h.clock.sleeps.slice(sleepsBefore)), `slept ${h.clock.sleeps.slice(sleepsBefore)}`);
      await assertConverged(h, name);
    });
  }

  it('row 8: Retry-After past the step deadline → exit 7 "throttled until HH:MM", no sleep; the rerun converges', async () => {
    const sleepsBefore = h.clock.sleeps.length;
    h.sandbox.ctx.faults.push({
      method: 'PATCH',
      path: APP_UPSERT,
      action: { type: 'status', status: 429, headers: { 'Retry-After': '3600' } },
    });
    const r = await provision('retry-after-3600', 'graph', [], 300_000);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /throttled by Microsoft Graph until \d\d:\d\d UTC/);
    assert.match(r.stderr, /step: application/);
    assert.deepEqual(h.clock.sleeps.slice(sleepsBefore), []);
    assert.equal(h.sandbox.snapshot().applications.filter((a) => a.uniqueName === 'retry-after-3600').length, 0);
    assert.equal((await provision('retry-after-3600')).code, 0);
    await assertConverged(h, 'retry-after-3600');
  });

  for (const action of [
    { type: 'status' as const, status: 500 },
    { type: 'status' as const, status: 502 },
    { type: 'status' as const, status: 503 },
    { type: 'status' as const, status: 504 },
    { type: 'reset' as const },
  ]) {
    const label = action.type === 'reset' ? 'ECONNRESET' : String(action.status);
    it(`row 9: ${label} on the reads → retried; success`, async () => {
      h.sandbox.ctx.faults.push({ method: 'GET', path: /^\/v1\.0\//, times: 2, action });
      const r = await provision(`read-${label.toLowerCase()}`);
      assert.equal(r.code, 0, r.stderr);
      await assertConverged(h, `read-${label.toLowerCase()}`);
    });
  }

  for (const status of [400, 403, 501, 505]) {
    it(`row 9: ${status} on a read is not retried`, async () => {
      const since = h.sandbox.ctx.log.length;
      h.sandbox.ctx.faults.push({
        method: 'GET',
        path: FIRST_READ,
        action: { type: 'status', status, code: status === 403 ? 'Authorization_RequestDenied' : 'Request_BadRequest' },
      });
      const r = await provision(`read-no-retry-${status}`);
      assert.notEqual(r.code, 0);
      assert.equal(requestsTo(h, 'GET', FIRST_READ, since), 1);
      assert.equal(h.sandbox.mutatingRequests().filter((e) => e.path.includes(`read-no-retry-${status}`)).length, 0);
      if (status === 403) assert.equal(r.code, 4);
    });
  }

  for (const action of [
    { type: 'status' as const, status: 504, commit: true },
    { type: 'reset' as const, commit: true },
  ]) {
    const label = action.type === 'reset' ? 'dropped connection' : '504';
    it(`row 10: addPassword commits, then ${label} → the unknown credential is removed and one secret is delivered`, async () => {
      const name = `ambiguous-secret-${action.type}`;
      const since = h.sandbox.ctx.log.length;
      h.sandbox.ctx.faults.push({ method: 'POST', path: ADD_PASSWORD, action });
      const r = await provision(name);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(requestsTo(h, 'POST', ADD_PASSWORD, since), 2, 'exactly one more attempt, after reconciliation');
      assert.equal(requestsTo(h, 'POST', /\/removePassword$/, since), 1);
      await assertConverged(h, name);
    });
  }

  for (const [label, method, path] of [
    ['application upsert', 'PATCH', APP_UPSERT],
    ['service principal upsert', 'PATCH', SP_UPSERT],
  ] as const) {
    it(`row 11: ${label} commits, then the connection drops → the upsert is repeated safely`, async () => {
      const name = `ambiguous-${method.toLowerCase()}-${label.split(' ')[0]}`;
      h.sandbox.ctx.faults.push({ method, path, action: { type: 'reset', commit: true } });
      const r = await provision(name);
      assert.equal(r.code, 0, r.stderr);
      await assertConverged(h, name);
    });
  }

  it('ambiguous consent POST (commits, connection drops) is not repeated blindly: exit 7, then the rerun converges with one assignment', async () => {
    h.sandbox.ctx.faults.push({ method: 'POST', path: ASSIGN, action: { type: 'reset', commit: true } });
    const r = await provision('ambiguous-assign');
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /step: consent/);
    const again = await provision('ambiguous-assign');
    assert.equal(again.code, 0, again.stderr);
    await assertConverged(h, 'ambiguous-assign');
  });

  it('row 21: the admin token is rejected mid-run (401) → one refresh, the run continues', async () => {
    const since = h.sandbox.ctx.log.length;
    h.sandbox.ctx.faults.push({
      method: 'PATCH',
      path: SP_UPSERT,
      action: {
        type: 'status',
        status: 401,
        code: 'InvalidAuthenticationToken',
        message: 'Lifetime validation failed, the token is expired.',
      },
    });
    const r = await provision('token-expiry');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      h.sandbox.ctx.log.slice(since).filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token')).length,
      2,
      'sign-in plus exactly one refresh',
    );
    await assertConverged(h, 'token-expiry');
  });

  it('row 21: a token that stays rejected fails with exit 3 after one refresh', async () => {
    const since = h.sandbox.ctx.log.length;
    h.sandbox.ctx.faults.push({
      method: 'GET',
      path: FIRST_READ,
      times: 2,
      action: { type: 'status', status: 401, code: 'InvalidAuthenticationToken' },
    });
    const r = await provision('token-revoked');
    assert.equal(r.code, 3, r.stderr);
    assert.equal(h.sandbox.ctx.log.slice(since).filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token')).length, 2);
  });
});
