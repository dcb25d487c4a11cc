import assert from 'node:assert/strict';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { graphFetch, postTokenForm, startHarness } from './sandbox-harness.ts';

describe('sandbox knobs, faults and state file', () => {
  it('throttles every Nth Graph request with Retry-After and records a retry that comes too early', async () => {
    const h = await startHarness({ knobs: { throttleEvery: 2, throttleRetryAfterSeconds: 1 } });
    try {
      const token = await h.adminToken();
      assert.equal((await graphFetch(h, 'GET', '/organization', undefined, token)).status, 200);
      const throttled = await graphFetch(h, 'GET', '/organization', undefined, token);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.body.error.code, 'TooManyRequests');
      assert.equal(throttled.headers.get('retry-after'), '1');
      assert.equal(h.sandbox.ctx.earlyRetries.length, 0);
      assert.equal((await graphFetch(h, 'GET', '/organization', undefined, token)).status, 200);
      assert.equal(h.sandbox.ctx.earlyRetries.length, 1, 'an immediate retry is recorded');
      assert.equal(h.sandbox.ctx.earlyRetries[0]?.path, '/v1.0/organization');

      // The Graph client honours Retry-After: its retry of the 4th request is not early.
      const org = await h.graph(h.admin()).api('/applications').get();
      assert.ok(Array.isArray(org.value));
      assert.equal(h.sandbox.ctx.earlyRetries.length, 1);
      assert.deepEqual(
        h.sandbox.ctx.log.filter((e) => e.path === '/v1.0/applications').map((e) => e.status),
        [429, 200],
      );
    } finally {
      await h.close();
    }
  });

  it('runs the real handler for a committing fault: ambiguous addPassword and a reset app create', async () => {
    const h = await startHarness();
    try {
      const app = (await graphFetch(h, 'POST', '/applications', { displayName: 'ambiguous' })).body;
      h.sandbox.ctx.faults.push({
        method: 'POST',
        path: /\/addPassword$/,
        action: { type: 'status', status: 504, code: 'UnknownError', commit: true },
      });
      const answer = await graphFetch(h, 'POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'run-1' } });
      assert.equal(answer.status, 504);
      assert.equal(answer.body.error.code, 'UnknownError');
      assert.equal(answer.body.secretText, undefined);
      assert.deepEqual(
        h.sandbox
          .snapshot()
          .applications.find((a) => a.id === app.id)
          ?.passwordCredentials.map((c) => c.displayName),
        ['run-1'],
      );

      h.sandbox.ctx.faults.push({ method: 'PATCH', path: /uniqueName='dropped'/, action: { type: 'reset', commit: true } });
      const token = await h.adminToken();
      const upsert = () =>
        fetch(`${h.sandbox.settings.graphEndpoint}/v1.0/applications(uniqueName='dropped')`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'create-if-missing' },
          body: JSON.stringify({ displayName: 'dropped' }),
        });
      await assert.rejects(upsert());
      assert.equal(h.sandbox.snapshot().applications.filter((a) => a.uniqueName === 'dropped').length, 1);
      assert.equal((await upsert()).status, 204, 'the upsert makes the retry safe');

      h.sandbox.ctx.faults.push({ method: 'GET', path: /^\/v1\.0\/organization$/, times: 2, action: { type: 'status', status: 503 } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await graphFetch(h, 'GET', '/organization', undefined, token)).status);
      assert.deepEqual(statuses, [503, 503, 200]);
      assert.equal(h.sandbox.ctx.faults.length, 0);
      assert.deepEqual(
        h.sandbox.mutatingRequests().map((e) => [e.method, e.status]),
        [
          ['POST', 201],
          ['POST', 504],
          ['PATCH', 0],
          ['PATCH', 204],
        ],
      );
    } finally {
      await h.close();
    }
  });

  it('round-trips --state FILE: objects survive a restart and the admin gets a new secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
    const statePath = join(dir, 'tenant.json');
    const first = await startHarness({ statePath });
    const oldSecret = first.sandbox.settings.adminClientSecret.reveal();
    const app = (await graphFetch(first, 'POST', '/applications', { displayName: 'persisted', uniqueName: 'persisted' })).body;
    await first.close();
    assert.equal((await stat(statePath)).mode & 0o777, 0o600);

    const second = await startHarness({ statePath });
    try {
      assert.equal(second.sandbox.settings.tenantId, first.sandbox.settings.tenantId);
      assert.equal(second.sandbox.settings.adminClientId, first.sandbox.settings.adminClientId);
      assert.equal((await graphFetch(second, 'GET', "/applications(uniqueName='persisted')")).body.id, app.id);
      const stale = await postTokenForm(second, {
        grant_type: 'client_credentials',
        client_id: second.sandbox.settings.adminClientId,
        client_secret: oldSecret,
        scope: 'https://graph.microsoft.com/.default',
      });
      assert.deepEqual(stale.body['error_codes'], [7000215]);
      assert.equal(second.sandbox.snapshot().applications.filter((a) => a.appId === second.sandbox.settings.adminClientId).length, 1);
    } finally {
      await second.close();
    }
  });
});
