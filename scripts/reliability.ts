import { parseArgs } from 'node:util';
import { runCampaign } from './lib/campaign.ts';

/**
 * The reliability figures in one command (docs/reliability.md#headline-figures):
 *
 *   node scripts/reliability.ts [--runs 200] [--seed 1] [--json]   (RELIABILITY_TRACE=1: stderr of failing runs)
 *
 * A randomized fault campaign against the sandbox: every run draws faults from the scenarios of docs/reliability.md
 * that apply, provisions, reruns clean, and checks the tenant and every output. Exit 0 only when
 * every count that must be zero is zero. Not part of `npm test` (a test runs it with --runs 20).
 */
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: node scripts/reliability.ts [--runs N] [--seed N] [--json]\n');
  process.exit(2);
}

const started = performance.now();
const figures = await runCampaign({
  runs,
  seed,
  onProgress: (done) => done % 50 === 0 && process.stderr.write(`  ${done}/${runs} runs\n`),
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const mustBeZero = [
  figures.objectsOrphaned,
  figures.credentialsOrphaned,
  figures.secretsLost,
  figures.duplicateObjects,
  figures.earlyRetries,
  figures.canaryHits,
  figures.exitsWithoutStepOrObject,
  figures.notConverged,
];

if (values.json) process.stdout.write(`${JSON.stringify({ seed, seconds: Number(seconds), ...figures }, null, 2)}\n`);
else {
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
  ];
  process.stdout.write(`Reliability campaign (seed ${seed}, ${seconds} s)\n${rows.map(([k, v]) => `  ${k.padEnd(36)} ${v}`).join('\n')}\n`);
  for (const failure of figures.failures.slice(0, 20)) process.stdout.write(`  ! ${failure}\n`);
}
process.exitCode = mustBeZero.every((n) => n === 0) ? 0 : 1;
