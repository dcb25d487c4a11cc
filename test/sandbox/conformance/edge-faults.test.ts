import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.ts';
import { parseFaultSpec } from '../../../src/sandbox/traffic/fault-spec.ts';

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
