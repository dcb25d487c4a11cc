import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import type { RequestLogEntry } from '../../src/sandbox/context.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.ts';
import { codeCacheHome, median, runWhole } from './measure.ts';

/** What one whole `provision` process cost, with the requests the sandbox saw from it. */
export interface ProvisionRun {
  exitCode: number;
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  /** Graph, token and metadata requests. */
  requests: number;
  /** Longest chain of requests each of which started after the previous one ended: the round trips a user waits for. */
  sequential: number;
}

/**
 * The sandbox's CA trusted the way Microsoft's public endpoints are, from Node's start
 * (NODE_EXTRA_CA_CERTS), rather than with --ca-file, which a real tenant never needs.
 */
export function trustedLikeAPublicCa(sandbox: Sandbox): { NODE_EXTRA_CA_CERTS: string } {
  return { NODE_EXTRA_CA_CERTS: sandbox.settings.caFile };
}

export interface ProvisionFigures {
  first: ProvisionRun;
  rerun: ProvisionRun;
}

/** Longest chain of requests in which each starts after the previous one ended. */
export function criticalPath(entries: RequestLogEntry[]): number {
  const sorted = [...entries].sort((a, b) => (a.startedAt ?? a.at) - (b.startedAt ?? b.at));
  const depth: number[] = [];
  sorted.forEach((entry, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) {
      const before = sorted[j] as RequestLogEntry;
      if (before.at <= (entry.startedAt ?? entry.at)) best = Math.max(best, depth[j] as number);
    }
    depth[i] = best + 1;
  });
  return Math.max(0, ...depth);
}

/**
 * The longest time a chain of requests, each starting after the previous one ended, spent at the
 * sandbox (arrival to answer, latency included): what the wall cannot go below when the sandbox
 * takes longer than its latency, e.g. to filter a 999-item page on the same cores.
 */
export function criticalPathMs(entries: RequestLogEntry[]): number {
  const sorted = [...entries].sort((a, b) => (a.startedAt ?? a.at) - (b.startedAt ?? b.at));
  const longest: number[] = [];
  sorted.forEach((entry, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) {
      const before = sorted[j] as RequestLogEntry;
      if (before.at <= (entry.startedAt ?? entry.at)) best = Math.max(best, longest[j] as number);
    }
    longest[i] = best + (entry.at - (entry.startedAt ?? entry.at));
  });
  return Math.max(0, ...longest);
}

async function provisionOnce(bin: string, sandbox: Sandbox, env: NodeJS.ProcessEnv, cwd: string, name: string): Promise<ProvisionRun> {
  const mark = sandbox.ctx.log.length;
  const args = ['provision', '--auth', 'env', '--model', 'smtp', '--name', name];
  args.push('--mailbox', 'noreply@contoso.com', '--exchange', 'skip', '--json');
  const figures = await runWhole(bin, args, { env, cwd });
  if (figures.exitCode !== 0) throw new Error(`provision exited ${figures.exitCode}: ${figures.stderr.slice(0, 600)}`);
  const entries = sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph' || e.kind === 'token');
  return {
    exitCode: figures.exitCode,
    wallMs: figures.wallMs,
    cpuMs: figures.cpuMs,
    rssMb: figures.rssMb,
    requests: entries.length,
    sequential: criticalPath(entries),
  };
}

/**
 * `runs` times: a fresh sandbox tenant (with `filler` unrelated apps and service principals), one
 * provision of a new app, then the converged re-run of the same command. Medians of wall and CPU,
 * the largest RSS, and the request counts of the last sample (they do not vary run to run).
 */
export async function measureProvision(
  bin: string,
  options: { latencyMs: number; filler: number; runs: number },
): Promise<ProvisionFigures> {
  const firsts: ProvisionRun[] = [];
  const reruns: ProvisionRun[] = [];
  for (let i = 0; i <= options.runs; i++) {
    const work = await mkdtemp(join(tmpdir(), 'entra-mail-bench-'));
    const sandbox = await startSandbox({ dir: join(work, 'sandbox'), filler: options.filler, knobs: { latencyMs: options.latencyMs } });
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: work,
        ...codeCacheHome(),
        ENTRA_MAIL_STATE_DIR: join(work, 'state'),
        ...adminEnvironment(sandbox.settings),
        ...trustedLikeAPublicCa(sandbox),
      };
      const first = await provisionOnce(bin, sandbox, env, work, 'Bench Mailer');
      const rerun = await provisionOnce(bin, sandbox, env, work, 'Bench Mailer');
      // The first round warms the disk cache and Node's compile cache; it is not counted.
      if (i > 0) {
        firsts.push(first);
        reruns.push(rerun);
      }
    } finally {
      await sandbox.close();
      await rm(work, { recursive: true, force: true });
    }
  }
  return { first: summarise(firsts), rerun: summarise(reruns) };
}

function summarise(runs: ProvisionRun[]): ProvisionRun {
  const last = runs.at(-1) as ProvisionRun;
  return {
    exitCode: last.exitCode,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    requests: last.requests,
    sequential: last.sequential,
  };
}
