import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.ts';
import { parseFaultSpec } from '../../../src/sandbox/traffic/fault-spec.ts';
import { postTokenForm, startHarness, type Harness } from '../sandbox-harness.ts';
import { call } from './helpers.ts';

/** A client in its own process: one GET to `path` with the sandbox CA trusted, then exit 0. */
function runClient(
  sandbox: Sandbox,
  path: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; pid: number | undefined }> {
  const script = `fetch(${JSON.stringify(sandbox.settings.graphEndpoint + path)}).then(() => process.exit(0), () => process.exit(3));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: sandbox.settings.caFile },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, pid: child.pid }));
  });
}

describe('edge faults: kill the client at the nth matching request', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  it('kills the process on the other end of the connection, found from the socket', async () => {
    sandbox.ctx.faults.push(parseFaultSpec('GET ^/v1\\.0/organization$ nth=2 kill'));
    const first = await runClient(sandbox, '/v1.0/organization');
    assert.equal(first.code, 0, 'the first matching request passes');
    const second = await runClient(sandbox, '/v1.0/organization');
    assert.equal(second.signal, 'SIGKILL');
    assert.equal(sandbox.ctx.firedFaults.at(-1)?.pid, second.pid);
    assert.equal(sandbox.ctx.faults.length, 0);
  });
});

/**
 * docs/sandbox-fidelity.md#failures: fail, commit-then-fail and drop at the nth request, set
 * through POST /_sandbox/faults as `entra-mail sandbox` takes them; --fail-rate on writes and the
 * token endpoint. Graph's transient answers are 503/504 (https://learn.microsoft.com/graph/errors);
 * the token endpoint's is temporarily_unavailable
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
describe('edge faults: fail, commit-then-fail and drop, from outside the process', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const addFault = (rule: string) => fetch(`${h.sandbox.settings.graphEndpoint}/_sandbox/faults`, { method: 'POST', body: rule });

  it('fails the 2nd and 3rd matching request only', async () => {
    assert.equal((await addFault('GET ^/v1\\.0/organization$ nth=2 times=2 fail=503')).status, 201);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(h, 'GET', '/v1.0/organization')).status);
    assert.deepEqual(statuses, [200, 503, 503, 200]);
  });

  it('commits, then fails: the change exists though the client saw a 500', async () => {
    await addFault('POST ^/v1\\.0/applications$ body=Committed commit-then-fail=500');
    const r = await call(h, 'POST', '/v1.0/applications', { body: { displayName: 'Committed' } });
    assert.equal(r.status, 500);
    assert.equal(h.sandbox.snapshot().applications.filter((a) => a.displayName === 'Committed').length, 1);
  });

  it('drops the connection without an answer', async () => {
    await addFault('GET ^/v1\\.0/servicePrincipals$ drop');
    await assert.rejects(call(h, 'GET', '/v1.0/servicePrincipals'));
    const listed = (await (await fetch(`${h.sandbox.settings.graphEndpoint}/_sandbox/faults`)).json()) as {
      pending: string[];
      fired: { action: string }[];
    };
    assert.deepEqual(listed.pending, []);
    assert.deepEqual(
      listed.fired.map((f) => f.action),
      ['status', 'status', 'status', 'reset'],
    );
  });

  it('refuses a rule it cannot read', async () => {
    const r = await addFault('GET /x explode');
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { error: string }).error, /unknown action 'explode'/);
  });

  it('--fail-rate fails token requests, and writes before or after they are made', async () => {
    const token = await h.adminToken();
    h.sandbox.ctx.knobs.failRate = 1;
    try {
      const denied = await postTokenForm(h, {
        client_id: h.sandbox.settings.adminClientId,
        client_secret: h.sandbox.settings.adminClientSecret.reveal(),
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
      });
      assert.equal(denied.status, 503);
      assert.equal(denied.body['error'], 'temporarily_unavailable');
      for (let i = 0; i < 6; i++) {
        const name = `Flaky ${i}`;
        const r = await call(h, 'POST', '/v1.0/applications', { token, body: { displayName: name } });
        const made = h.sandbox.snapshot().applications.some((a) => a.displayName === name);
        assert.ok((r.status === 503 && !made) || (r.status === 504 && made), `${r.status}, made: ${made}`);
      }
    } finally {
      h.sandbox.ctx.knobs.failRate = 0;
    }
  });
});
