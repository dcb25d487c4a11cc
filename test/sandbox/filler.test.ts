import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/** The Graph and token requests of one provision, in order, with ids and names masked. */
async function provisionRequests(filler: number): Promise<{ requests: string[]; apps: number; sps: number }> {
  const tenant = await startTestTenant({ filler });
  try {
    const mark = tenant.sandbox.ctx.log.length;
    const argv = ['provision', ...tenant.common, '--model', 'smtp', '--name', 'Filler Probe', '--mailbox', 'noreply@contoso.com'];
    const result = await runCli([...argv, '--exchange', 'skip', '--json'], { env: tenant.env, cwd: tenant.dir });
    assert.equal(result.code, 0, result.stderr);
    const requests = tenant.sandbox.ctx.log
      .slice(mark)
      .filter((e) => e.kind === 'graph' || e.kind === 'token')
      .map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')}`)
      .sort();
    const state = tenant.sandbox.snapshot();
    return { requests, apps: state.applications.length, sps: state.servicePrincipals.length };
  } finally {
    await tenant.close();
  }
}

describe('sandbox --filler', () => {
  it('fills the tenant with unmanaged apps and service principals, and provision sends the same requests as in an empty tenant', async () => {
    const empty = await provisionRequests(0);
    const full = await provisionRequests(3000);
    assert.equal(full.apps - empty.apps, 3000);
    assert.equal(full.sps - empty.sps, 3000);
    assert.deepEqual(full.requests, empty.requests);
  });
});
