import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFleetCampaign } from '../../scripts/lib/fleet-campaign.ts';

/**
 * The fleet campaign of `npm run reliability` (docs/reliability.md#fleet-campaign), small: three
 * tenants (one whose sign-in always fails), `apply -f` and `rotate -f` killed right after the sandbox
 * carried out one of their writes, with throttling and replication delays, then run again. Every
 * other tenant converges; no orphan, duplicate, lost secret or sink holding a revoked secret.
 */
describe('apply -f and rotate -f killed across a fleet', () => {
  it('converge on the re-run, with every secret held and none revoked in a sink', async () => {
    const figures = await runFleetCampaign({ kills: 2, seed: 5, tenants: 3, requestKillsOnly: true });
    assert.deepEqual(figures.failures, []);
    assert.equal(figures.runs, 2);
    assert.equal(figures.killedAtRequest, 2, 'both runs died at a write');
    assert.ok(figures.throttled > 0, 'some requests were answered 429');
    assert.equal(figures.signInFailuresNamed, 2, 'each re-run named the tenant that cannot sign in, and only it');
    for (const key of [
      'tenantsNotConverged',
      'orphanedApps',
      'duplicateObjects',
      'secretsLost',
      'sinksHoldingNothing',
      'sinksHoldingRevoked',
      'earlyRetries',
    ] as const) {
      assert.equal(figures[key], 0, key);
    }
  });
});
