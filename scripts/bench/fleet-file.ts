/**
 * Fleet mode in `npm run bench`: `plan -f` and `apply -f` over many sandbox tenants (two apps each)
 * signed in to with one multi-tenant admin app, as whole processes. The bound is the fleet's
 * promise: tenants run `concurrency` at a time, so the wall is at most that many rounds of one
 * tenant's own sequential chain of requests (measured on a one-tenant file), plus start-up, with
 * 30% slack. Also: the re-apply's writes (0), and peak RSS at two fleet sizes (flat), with the heap
 * limits the bin starts a fleet run with (bin/fleet-heap.js) and, for comparison, with V8's own.
 *
 * Alone, against the checkout's bundle (npm run build first): node scripts/bench/fleet-file.ts [tenants] [latency-ms]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import { DEFAULT_CONCURRENCY } from '../../src/fleet/run-fleet.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.ts';
import { codeCacheHome, runWhole, sampleWhole } from './measure.ts';
import { criticalPath, trustedLikeAPublicCa } from './provision.ts';
import { figure, mb, ms, type Figure } from './report.ts';

export interface FleetFileRun {
  exitCode: number;
  wallMs: number;
  /** user + sys of the process (NaN without GNU time). */
  cpuMs: number;
  rssMb: number;
  requests: number;
  writes: number;
  /** Longest chain of requests each waiting for the one before. */
  sequential: number;
  /** Each tenant's own wall, from the JSON report, in the file's order. */
  tenantMs: number[];
}

/** tenants[from..to) of the sandbox, two apps each (Graph sendMail and SMTP), by tenant id. */
function fleetFile(sandbox: Sandbox, from: number, to: number): string {
  const lines = ['version: 1', 'defaults:', '  app: { format: env, exchange: skip }', 'tenants:'];
  for (const tenant of sandbox.tenants.slice(from, to)) {
    lines.push(`  - tenant: ${tenant.tenantId}`, '    apps:');
    lines.push(`      - { name: Notices, model: graph, mailboxes: [${tenant.mailboxes[0]}] }`);
    lines.push(`      - { name: Scanner, model: smtp, mailboxes: [${tenant.mailboxes[0]}] }`);
  }
  return `${lines.join('\n')}\n`;
}

async function runFleetCommand(bin: string, sandbox: Sandbox, env: NodeJS.ProcessEnv, cwd: string, args: string[]): Promise<FleetFileRun> {
  const mark = sandbox.ctx.log.length;
  const figures = await runWhole(bin, [...args, '--json'], { env, cwd });
  if (figures.exitCode !== 0) throw new Error(`${args.join(' ')} exited ${figures.exitCode}: ${figures.stderr.slice(0, 600)}`);
  const entries = sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph' || e.kind === 'token');
  return {
    exitCode: figures.exitCode,
    wallMs: figures.wallMs,
    cpuMs: figures.cpuMs,
    rssMb: figures.rssMb,
    requests: entries.length,
    writes: entries.filter((e) => e.kind === 'graph' && e.method !== 'GET').length,
    sequential: criticalPath(entries),
    tenantMs: (JSON.parse(figures.stdout) as { tenants: { wallMs: number }[] }).tenants.map((t) => t.wallMs),
  };
}

/**
 * A sandbox of `tenants + 2` tenants at `latencyMs`. One tenant's chain: tenants 0 and 1 one after
 * the other (--concurrency 1), the second one's wall (the first also pays for loading the SDKs)
 * and its requests in sequence. Tenants 2..N+1 are the fleet (plan, apply, re-apply).
 */
export async function measureFleetFile(
  bin: string,
  options: { latencyMs: number; tenants: number; concurrency?: number; v8Defaults?: boolean },
) {
  const work = await mkdtemp(join(tmpdir(), 'entra-mail-bench-fleet-file-'));
  const sandbox = await startSandbox({ dir: join(work, 'sandbox'), tenants: options.tenants + 2 });
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ...codeCacheHome(),
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...adminEnvironment(sandbox.settings),
      ...trustedLikeAPublicCa(sandbox),
      // A heap flag the user gives wins over the bin's (bin/fleet-heap.js); 0 is V8's "not set".
      ...(options.v8Defaults ? { NODE_OPTIONS: '--max-semi-space-size=0 --max-old-space-size=0' } : {}),
    };
    await writeFile(join(work, 'one.yaml'), fleetFile(sandbox, 0, 2));
    await writeFile(join(work, 'fleet.yaml'), fleetFile(sandbox, 2, options.tenants + 2));
    sandbox.ctx.knobs.latencyMs = options.latencyMs;
    const run = (args: string[]) => runFleetCommand(bin, sandbox, env, work, [...args, '--auth', 'env']);
    const alone = ['--concurrency', '1'];
    const one = { plan: await run(['plan', '-f', 'one.yaml', ...alone]), apply: await run(['apply', '-f', 'one.yaml', ...alone]) };
    const c = ['--concurrency', String(concurrency)];
    if (options.v8Defaults) {
      const plan = await run(['plan', '-f', 'fleet.yaml', ...c]);
      return {
        tenants: options.tenants,
        concurrency,
        one,
        plan,
        apply: await run(['apply', '-f', 'fleet.yaml', ...c]),
        reapply: undefined,
      };
    }
    const plan = await run(['plan', '-f', 'fleet.yaml', ...c]);
    const apply = await run(['apply', '-f', 'fleet.yaml', ...c]);
    const reapply = await run(['apply', '-f', 'fleet.yaml', ...c]);
    return { tenants: options.tenants, concurrency, one, plan, apply, reapply };
  } finally {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The printed figures: wall against the bound, requests, the re-apply's writes, RSS at two sizes. */
export function fleetFileFigures(
  nodeMs: number,
  latencyMs: number,
  small: Awaited<ReturnType<typeof measureFleetFile>>,
  large: Awaited<ReturnType<typeof measureFleetFile>>,
  canMeasureRss: boolean,
  v8Defaults?: Awaited<ReturnType<typeof measureFleetFile>>,
): Figure[] {
  const rounds = Math.ceil(large.tenants / large.concurrency);
  const bound = (chainMs: number) => 1.3 * (nodeMs + rounds * chainMs);
  const row = (name: 'plan' | 'apply') => {
    const one = large.one[name];
    // One tenant's chain: its wall alone, never less than its requests in sequence × the latency.
    const chainMs = Math.max(one.tenantMs[1] ?? 0, (one.sequential / 2) * latencyMs);
    return [
      figure(
        `${name} -f: one tenant's chain`,
        ms(chainMs),
        `${one.requests / 2} requests, ${one.sequential / 2} in sequence × ${latencyMs} ms = ${ms((one.sequential / 2) * latencyMs)}`,
        undefined,
      ),
      figure(`${name} -f: requests`, String(large[name].requests), `${large.tenants} × ${one.requests / 2}`, undefined),
      figure(
        `${name} -f: wall`,
        `${ms(large[name].wallMs)} (CPU ${ms(large[name].cpuMs)})`,
        `≤ 1.3 × (node + ⌈${large.tenants}/${large.concurrency}⌉ × ${ms(chainMs)}) = ${ms(bound(chainMs))}`,
        large[name].wallMs <= bound(chainMs),
      ),
    ];
  };
  const rss = (name: 'plan' | 'apply') =>
    figure(
      `${name} -f: peak RSS, ${small.tenants} → ${large.tenants} tenants`,
      `${mb(small[name].rssMb)} → ${mb(large[name].rssMb)}`,
      `flat: ≤ ${small.tenants} tenants + 20 MB`,
      canMeasureRss ? large[name].rssMb <= small[name].rssMb + 20 : undefined,
    );
  const reapply = large.reapply ?? { writes: Number.NaN, wallMs: Number.NaN };
  return [
    ...row('plan'),
    ...row('apply'),
    figure('re-apply -f: writes', String(reapply.writes), '0 (converged)', reapply.writes === 0),
    figure('re-apply -f: wall', ms(reapply.wallMs), '', undefined),
    rss('plan'),
    rss('apply'),
    ...(v8Defaults
      ? [
          figure(
            `peak RSS at ${v8Defaults.tenants} tenants with V8's own heap limits`,
            `plan ${mb(v8Defaults.plan.rssMb)}, apply ${mb(v8Defaults.apply.rssMb)}`,
            'for comparison: without bin/fleet-heap.js',
            undefined,
          ),
        ]
      : []),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { canMeasureCpu } = await import('./measure.ts');
  const { printSection } = await import('./report.ts');
  const tenants = Number(process.argv[2] ?? 20);
  const latencyMs = Number(process.argv[3] ?? 80);
  // The bundle, as the installed package runs it (bin/entra-mail.js would run the sources in a checkout).
  const { writeFile: write } = await import('node:fs/promises');
  const bin = join(await mkdtemp(join(tmpdir(), 'entra-mail-bench-bin-')), 'entra-mail');
  const main = fileURLToPath(new URL('../../dist/main.cjs', import.meta.url));
  // As bin/entra-mail.js starts a fleet run: with the heap flags unless NODE_OPTIONS gives its own.
  const { FLEET_HEAP_FLAGS } = await import('../../bin/fleet-heap.js');
  const node = `'${process.execPath}'`;
  await write(
    bin,
    `#!/bin/sh\ncase "$NODE_OPTIONS" in *space-size*) exec ${node} '${main}' "$@";; esac\nexec ${node} ${FLEET_HEAP_FLAGS.join(' ')} '${main}' "$@"\n`,
    { mode: 0o755 },
  );
  const nodeRun = await sampleWhole(process.execPath, ['-e', '0'], 5, 0);
  const small = await measureFleetFile(bin, { latencyMs, tenants: Math.max(1, Math.round(tenants / 4)) });
  const large = await measureFleetFile(bin, { latencyMs, tenants });
  const v8Defaults = await measureFleetFile(bin, { latencyMs, tenants, v8Defaults: true });
  printSection(
    `fleet file: ${tenants} tenants × 2 apps, --latency-ms ${latencyMs} (the checkout)`,
    fleetFileFigures(nodeRun.wallMs, latencyMs, small, large, canMeasureCpu, v8Defaults),
  );
}
