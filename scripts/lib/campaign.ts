import { readSinkSecret, startHarness } from './harness.ts';
import { FAULTS } from './fault-catalogue.ts';
import { checkInvariants } from './tenant-invariants.ts';
import { createPrng } from './virtual-clock.ts';

/** The headline figures of a fault campaign (docs/reliability.md#headline-figures); the goal is zero on every count but the first two. */
export interface CampaignFigures {
  runs: number;
  faultsInjected: number;
  objectsOrphaned: number;
  credentialsOrphaned: number;
  secretsLost: number;
  duplicateObjects: number;
  earlyRetries: number;
  canaryHits: number;
  exitsWithoutStepOrObject: number;
  /** Runs whose rerun (without faults) still did not succeed. */
  notConverged: number;
  failures: string[];
}

const MODELS = [
  { model: 'graph', exchange: 'skip', assignments: 1 },
  { model: 'smtp', exchange: 'script', assignments: 1 },
  { model: 'smtp-rbac', exchange: 'script', assignments: 0 },
  { model: 'delegated-smtp', exchange: 'script', assignments: 0 },
] as const;

/**
 * Runs `runs` provisions against one sandbox, each with 1–3 faults drawn from the catalogue by a
 * seeded PRNG, then a clean rerun, then checks the tenant invariants for that app; at the end,
 * greps every output and file for every secret and admin token.
 */
export async function runCampaign(options: { runs: number; seed: number; onProgress?: (done: number) => void }): Promise<CampaignFigures> {
  const random = createPrng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const h = await startHarness();
  const figures: CampaignFigures = {
    runs: 0,
    faultsInjected: 0,
    objectsOrphaned: 0,
    credentialsOrphaned: 0,
    secretsLost: 0,
    duplicateObjects: 0,
    earlyRetries: 0,
    canaryHits: 0,
    exitsWithoutStepOrObject: 0,
    notConverged: 0,
    failures: [],
  };
  const sinks: string[] = [];
  try {
    for (let i = 1; i <= options.runs; i++) {
      const { model, exchange, assignments } = pick(MODELS);
      const name = `campaign-${i}`;
      const sink = `${h.dir}/${name}.env`;
      sinks.push(sink);
      const argv = [
        'provision',
        ...h.common,
        '--model',
        model,
        '--name',
        `Campaign ${i}`,
        '--unique-name',
        name,
        '--mailbox',
        'noreply@contoso.com',
        '--exchange',
        exchange,
        '--out',
        sink,
        '--format',
        'env',
        '--verbose',
      ];
      const faults = 1 + Math.floor(random() * 3);
      const applied: string[] = [];
      for (let f = 0; f < faults; f++) {
        const fault = pick(FAULTS);
        fault.apply(h.sandbox.ctx, pick, () => 1 + Math.floor(random() * 4));
        applied.push(`row ${fault.row} ${fault.name}`);
      }
      figures.faultsInjected += faults;
      const first = await h.run(argv, { stepDeadlineMs: 300_000, seed: i });
      if (first.code !== 0 && !/step: .+object: /.test(first.stderr)) {
        figures.exitsWithoutStepOrObject += 1;
        figures.failures.push(
          `${name} [${applied.join(', ')}]: exit ${first.code} without step/object: ${first.stderr.split('\n').find((l) => l.startsWith('entra-mail:')) ?? ''}`,
        );
      }
      // The faults stop (replication completes, the service recovers); the admin runs it again.
      h.sandbox.ctx.faults.length = 0;
      h.sandbox.ctx.knobs.replicationMs = 0;
      h.clock.advance(600_000);
      let last = first;
      for (let attempt = 0; attempt < 2 && last.code !== 0; attempt++)
        last = await h.run(argv, { stepDeadlineMs: 300_000, seed: i * 7 + attempt });
      if (last.code !== 0) {
        figures.notConverged += 1;
        figures.failures.push(
          `${name} [${applied.join(', ')}]: rerun exit ${last.code}: ${last.stderr.split('\n').find((l) => l.startsWith('entra-mail:')) ?? ''}`,
        );
      }
      const report = checkInvariants(h.sandbox.snapshot(), name, await readSinkSecret(sink, h.minted), assignments);
      figures.objectsOrphaned += report.orphanedObjects;
      figures.credentialsOrphaned += report.orphanedCredentials;
      figures.secretsLost += report.lostSecrets;
      figures.duplicateObjects += report.duplicates;
      if (report.problems.length) {
        figures.failures.push(`${name} [${applied.join(', ')}]: ${report.problems.join('; ')}`);
        if (process.env.RELIABILITY_TRACE)
          process.stderr.write(`--- ${name}\n${first.stderr}\n--- rerun\n${last === first ? '(none)' : last.stderr}\n`);
      }
      figures.runs += 1;
      options.onProgress?.(i);
    }
    figures.earlyRetries = h.sandbox.ctx.earlyRetries.length;
    const hits = await h.scanForLeaks(sinks);
    figures.canaryHits = hits.length;
    for (const hit of hits.slice(0, 10)) figures.failures.push(`canary: ${hit.canary} in ${hit.where} (${hit.form})`);
  } finally {
    await h.close();
  }
  return figures;
}
