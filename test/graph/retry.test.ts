import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../src/core/errors.ts';
import { GraphFailure, GraphNetworkFailure } from '../../src/graph/errors.ts';
import { classifyGraphError, parseRetryAfter, withRetry } from '../../src/graph/retry.ts';
import { createVirtualClock } from '../../scripts/lib/virtual-clock.ts';

function failure(status: number, code: string, extra: Partial<ConstructorParameters<typeof GraphFailure>[0]> = {}): GraphFailure {
  return new GraphFailure({
    status,
    code,
    message: extra.message ?? code,
    detailCodes: extra.detailCodes ?? [],
    method: 'GET',
    path: '/x',
    ...extra,
  });
}

describe('parseRetryAfter (docs/reliability.md#bad-retry-after)', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  const cases: [string | undefined, number | undefined][] = [
    ['7', 7000],
    ['0', 0],
    ['3600', 3_600_000],
    ['Sun, 22 Nov 2026 09:00:00 GMT', 0],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    [undefined, undefined],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} → ${expected}`, () => assert.equal(parseRetryAfter(value, now), expected));
  }
});

describe('classifyGraphError (docs/reliability.md#replication-and-policy, docs/reliability.md#throttling-and-transient-errors)', () => {
  const table: [GraphFailure | Error, string][] = [
    [failure(404, 'Request_ResourceNotFound'), 'replication'],
    [failure(400, 'Request_BadRequest', { detailCodes: ['NoBackingApplicationObject'] }), 'replication'],
    [failure(400, 'Request_BadRequest', { message: 'Not a valid reference update.' }), 'replication'],
    [failure(409, 'Error_MsaAppDoesNotExist'), 'replication'],
    [failure(429, 'TooManyRequests'), 'throttled'],
    [failure(500, 'generalException'), 'transient'],
    [failure(502, 'x'), 'transient'],
    [failure(503, 'serviceNotAvailable'), 'transient'],
    [failure(504, 'x'), 'transient'],
    [new GraphNetworkFailure('GET', '/x', Object.assign(new Error('reset'), { code: 'ECONNRESET' })), 'transient'],
    // docs/diagnostics.md#graph-connection-failures: a name that does not exist, before Graph answered, is the address.
    [new GraphNetworkFailure('GET', '/first', Object.assign(new Error('dns'), { code: 'ENOTFOUND' }), { beforeFirstAnswer: true }), 'fail'],
    [new GraphNetworkFailure('GET', '/later', Object.assign(new Error('dns'), { code: 'ENOTFOUND' })), 'transient'],
    [
      new GraphNetworkFailure('GET', '/first', Object.assign(new Error('dns'), { code: 'EAI_AGAIN' }), { beforeFirstAnswer: true }),
      'transient',
    ],
    [failure(400, 'Request_BadRequest', { message: 'Invalid value' }), 'fail'],
    [failure(401, 'InvalidAuthenticationToken'), 'fail'],
    [failure(403, 'Authorization_RequestDenied'), 'fail'],
    [failure(501, 'notImplemented'), 'fail'],
    [failure(505, 'x'), 'fail'],
    [new Error('boom'), 'fail'],
  ];
  for (const [error, kind] of table) {
    it(`${error instanceof GraphFailure ? `${error.status} ${error.code} ${error.detailCodes.join(',')}` : error.message} → ${kind}`, () =>
      assert.equal(classifyGraphError(error).kind, kind));
  }
});

describe('withRetry', () => {
  const base = { step: 'application', object: "app 'x'", random: () => 0.5 };

  it('honours Retry-After exactly and never earlier (row 7)', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw failure(429, 'TooManyRequests', { retryAfter: '7' });
        return 'ok';
      },
      { ...base, clock, deadlineAt: clock.nowMs() + 60_000, idempotent: true },
    );
    assert.equal(result, 'ok');
    assert.deepEqual(clock.sleeps, [7000]);
  });

  it('a command that has ended (its signal aborted) sends no further attempt', async () => {
    const clock = createVirtualClock();
    const ended = new AbortController();
    let calls = 0;
    const reason = new Error('the command has ended');
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          ended.abort(reason);
          throw failure(503, 'serviceNotAvailable');
        },
        { ...base, clock, deadlineAt: clock.nowMs() + 60_000, idempotent: true, signal: ended.signal },
      ),
      (error: unknown) => error === reason,
    );
    assert.equal(calls, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('stops at once when Retry-After is past the deadline, without sleeping (row 8)', async () => {
    const clock = createVirtualClock();
    await assert.rejects(
      withRetry(async () => Promise.reject(failure(429, 'TooManyRequests', { retryAfter: '3600' })), {
        ...base,
        clock,
        deadlineAt: clock.nowMs() + 300_000,
        idempotent: true,
      }),
      (error: unknown) =>
        error instanceof ServiceError && /throttled by Microsoft Graph until \d\d:\d\d UTC/.test(error.message) && error.exitCode === 7,
    );
    assert.deepEqual(clock.sleeps, []);
  });

  it('falls back to exponential backoff for a garbage Retry-After', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls < 3) throw failure(429, 'TooManyRequests', { retryAfter: 'later' });
        return 1;
      },
      { ...base, clock, deadlineAt: clock.nowMs() + 60_000, idempotent: true },
    );
    assert.deepEqual(clock.sleeps, [750, 1500]);
  });

  it('retries replication until the deadline, then fails with exit 7 naming step and object (row 2)', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw failure(404, 'Request_ResourceNotFound', { requestId: 'req-1' });
        },
        { ...base, clock, deadlineAt: clock.nowMs() + 20_000, idempotent: true },
      ),
      (error: unknown) =>
        error instanceof ServiceError &&
        error.step === 'application' &&
        error.object === "app 'x'" &&
        error.requestId === 'req-1' &&
        /not visible|replication/.test(error.message),
    );
    assert.ok(calls > 1);
    assert.ok(clock.sleeps.reduce((a, b) => a + b, 0) <= 20_000, 'never slept past the deadline');
  });

  it('caps attempts at 8 (headline figure 5)', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw failure(503, 'serviceNotAvailable');
        },
        { ...base, clock, deadlineAt: clock.nowMs() + 10_000_000, idempotent: true },
      ),
    );
    assert.equal(calls, 8);
  });

  it('does not blindly repeat a non-idempotent request after a 5xx or a dropped connection (row 10)', async () => {
    const clock = createVirtualClock();
    for (const error of [failure(504, 'gatewayTimeout'), new GraphNetworkFailure('POST', '/x', new Error('socket hang up'))]) {
      let calls = 0;
      await assert.rejects(
        withRetry(
          async () => {
            calls++;
            throw error;
          },
          { ...base, clock, deadlineAt: clock.nowMs() + 60_000, idempotent: false },
        ),
        (e) => e === error,
      );
      assert.equal(calls, 1);
    }
  });

  it('does not retry a 403 (row 20)', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw failure(403, 'Authorization_RequestDenied');
        },
        { ...base, clock, deadlineAt: clock.nowMs() + 60_000, idempotent: true },
      ),
    );
    assert.equal(calls, 1);
  });
});
