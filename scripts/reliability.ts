import { parseArgs } from 'node:util';
import { runBadInputTable } from './lib/bad-input-table.ts';
import { runCampaign } from './lib/campaign.ts';
import { runFleetCampaign } from './lib/fleet-campaign.ts';
import type { FleetFigures } from './lib/fleet-checks.ts';
import { startHarness } from './lib/harness.ts';
import { runKillCampaign, type KillFigures } from './lib/kill-campaign.ts';

/**
 * The reliability figures in one command (docs/reliability.md#headline-figures):
 *
 *   node scripts/reliability.ts [--runs 200] [--kills 40] [--fleet-kills 12] [--fleet-tenants 20] [--seed 1] [--json] [--skip-bad-input]
 *   (RELIABILITY_TRACE=1: stderr of failing runs)
 *
 * A randomized fault campaign against the sandbox: every run draws faults from the scenarios of
 * docs/reliability.md that apply, provisions, reruns clean, and checks the tenant and every output. Then the kill
 * campaign (scripts/lib/kill-campaign.ts): `--kills` runs of rotate and provision as child
 * processes with file, hook and Key Vault sinks, each killed with SIGKILL and run again; `--kills 500`
 * for the full figure (about a quarter of an hour on two cores). Then the fleet campaign
 * (scripts/lib/fleet-campaign.ts): `apply -f` and `rotate -f` over a file of `--fleet-tenants` tenants
 * with throttling, replication delays and one tenant's failing sign-in, killed `--fleet-kills` times
 * (about 10 s each at 20 tenants) and run again. Exit 0 only when every count that
 * must be zero is zero. Not part of `npm test` (a test runs it with --runs 20 --kills 0).
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    kills: { type: 'string', default: '40' },
    'fleet-kills': { type: 'string', default: '12' },
    'fleet-tenants': { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    // npm test runs the bad-input table itself (test/reliability/bad-input.test.ts).
    'skip-bad-input': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const kills = Number(values.kills);
const seed = Number(values.seed);
const fleetKills = Number(values['fleet-kills']);
const fleetTenants = Number(values['fleet-tenants']);
const counts = [kills, fleetKills, fleetTenants - 2];
if (!Number.isInteger(runs) || runs < 1 || !counts.every((n) => Number.isInteger(n) && n >= 0) || !Number.isInteger(seed)) {
  process.stderr.write(
    'usage: node scripts/reliability.ts [--runs N] [--kills N] [--fleet-kills N] [--fleet-tenants N ≥ 2] [--seed N] [--json]\n',
  );
  process.exit(2);
}

const started = performance.now();
const figures = await runCampaign({
  runs,
  seed,
  onProgress: (done) => done % 50 === 0 && process.stderr.write(`  ${done}/${runs} runs\n`),
});
const badInput = values['skip-bad-input'] ? { rows: 0, flags: 0, uncovered: [], clean: 0, failures: [] } : await runBadInput();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const killStarted = performance.now();
const killed: KillFigures | undefined =
  kills > 0
    ? await runKillCampaign({
        runs: kills,
        seed,
        onProgress: (done) => done % 25 === 0 && process.stderr.write(`  ${done}/${kills} kills\n`),
      })
    : undefined;
const killSeconds = ((performance.now() - killStarted) / 1000).toFixed(1);
const fleetStarted = performance.now();
const fleet: FleetFigures | undefined =
  fleetKills > 0
    ? await runFleetCampaign({
        kills: fleetKills,
        seed,
        tenants: fleetTenants,
        onProgress: (done) => done % 5 === 0 && process.stderr.write(`  ${done}/${fleetKills} fleet kills\n`),
      })
    : undefined;
const fleetSeconds = ((performance.now() - fleetStarted) / 1000).toFixed(1);
const mustBeZero = [
  ...(fleet
    ? [
        fleet.tenantsNotConverged,
        fleet.orphanedApps,
        fleet.duplicateObjects,
        fleet.secretsLost,
        fleet.sinksHoldingNothing,
        fleet.sinksHoldingRevoked,
        fleet.earlyRetries,
        fleet.failures.length,
      ]
    : []),
  ...(killed
    ? [killed.secretsLost, killed.sinksHoldingRevoked, killed.unheldAfterConvergence, killed.duplicateObjects, killed.notConverged]
    : []),
  figures.objectsOrphaned,
  figures.credentialsOrphaned,
  figures.secretsLost,
  figures.duplicateObjects,
  figures.earlyRetries,
  figures.canaryHits,
  figures.exitsWithoutStepOrObject,
  figures.notConverged,
  badInput.uncovered.length,
  badInput.rows - badInput.clean,
];

if (values.json) {
  const kill = killed ? { kill: { seconds: Number(killSeconds), ...killed } } : {};
  const fleetPart = fleet ? { fleet: { seconds: Number(fleetSeconds), ...fleet } } : {};
  process.stdout.write(`${JSON.stringify({ seed, seconds: Number(seconds), ...figures, badInput, ...kill, ...fleetPart }, null, 2)}\n`);
} else {
  const rows: [string, number][] = [
    ['runs', figures.runs],
    ['faults injected', figures.faultsInjected],
    ['objects orphaned', figures.objectsOrphaned],
    ['credentials orphaned', figures.credentialsOrphaned],
    ['secrets lost', figures.secretsLost],
    ['duplicate objects', figures.duplicateObjects],
    ['early retries', figures.earlyRetries],
    ['canary hits', figures.canaryHits],
    ['non-zero exits without step/object', figures.exitsWithoutStepOrObject],
    ['runs not converged on rerun', figures.notConverged],
    ['bad-input rows (every flag of every command)', badInput.rows],
    ['  flags covered', badInput.flags],
    ['  flags without a row', badInput.uncovered.length],
    ['  answered with exit 2, flag named, 0 requests', badInput.clean],
  ];
  process.stdout.write(`Reliability campaign (seed ${seed}, ${seconds} s)\n${rows.map(([k, v]) => `  ${k.padEnd(36)} ${v}`).join('\n')}\n`);
  for (const failure of [...figures.failures, ...badInput.failures, ...badInput.uncovered.map((f) => `no bad-input row for ${f}`)].slice(
    0,
    20,
  ))
    process.stdout.write(`  ! ${failure}\n`);
  if (killed) {
    const killRows: [string, number][] = [
      ['runs killed and run again', killed.runs],
      ['  killed at a random moment', killed.killedByTimer],
      ['  killed by their --on-rotate hook', killed.killedInHook],
      ['  killed while their hook blocked', killed.killedWhileHookBlocked],
      ['  killed at a request (tenant changed)', killed.killedAtRequest],
      ['  finished before the kill', killed.finishedBeforeKill],
      ['secrets lost', killed.secretsLost],
      ['sinks holding a revoked secret', killed.sinksHoldingRevoked],
      ['valid secrets held by no sink', killed.unheldAfterConvergence],
      ['duplicate objects', killed.duplicateObjects],
      ['runs not converged', killed.notConverged],
      ['(superseded, inside the grace period)', killed.retiringInGrace],
    ];
    process.stdout.write(
      `Kill campaign (seed ${seed}, ${killSeconds} s)\n${killRows.map(([k, v]) => `  ${k.padEnd(36)} ${v}`).join('\n')}\n`,
    );
    for (const failure of killed.failures.slice(0, 20)) process.stdout.write(`  ! ${failure}\n`);
  }
  if (fleet) printFleet(fleet);
}
process.exitCode = mustBeZero.every((n) => n === 0) ? 0 : 1;

function printFleet(fleet: FleetFigures): void {
  const rows: [string, number][] = [
    ['tenants in the file (1 failing sign-in)', fleet.tenants],
    ['apply -f / rotate -f runs killed', fleet.runs],
    ['  killed at a random moment', fleet.killedByTimer],
    ['  killed right after a write', fleet.killedAtRequest],
    ['  finished before the kill', fleet.finishedBeforeKill],
    ['429 answers with Retry-After served', fleet.throttled],
    ['re-runs naming the failing tenant only', fleet.signInFailuresNamed],
    ['other tenants not converged', fleet.tenantsNotConverged],
    ['orphaned apps', fleet.orphanedApps],
    ['duplicate objects', fleet.duplicateObjects],
    ['valid secrets held by no sink', fleet.secretsLost],
    ['sinks holding no secret', fleet.sinksHoldingNothing],
    ['sinks holding a revoked secret', fleet.sinksHoldingRevoked],
    ['early retries', fleet.earlyRetries],
  ];
  process.stdout.write(`Fleet campaign (seed ${seed}, ${fleetSeconds} s)\n${rows.map(([k, v]) => `  ${k.padEnd(40)} ${v}`).join('\n')}\n`);
  for (const failure of fleet.failures.slice(0, 20)) process.stdout.write(`  ! ${failure}\n`);
}

async function runBadInput(): Promise<Awaited<ReturnType<typeof runBadInputTable>>> {
  const harness = await startHarness();
  return runBadInputTable(harness).finally(() => harness.close());
}
