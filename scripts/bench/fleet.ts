/**
 * `status` and `rotate --all` in `npm run bench`: a tenant with many managed apps, each command as a
 * whole process of the installed bin.
 *
 * Alone, with medians and V8's own heap limits beside the bin's (bin/fleet-heap.js), against the
 * checkout packed and installed as the bench does: node scripts/bench/fleet.ts [runs] [status|rotate]
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.ts';
import { codeCacheHome, median, runWhole } from './measure.ts';
import { criticalPath, criticalPathMs, trustedLikeAPublicCa } from './provision.ts';

export interface FleetRun {
  exitCode: number;
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  requests: number;
  sequential: number;
  /** Time at the sandbox along the longest chain of requests in sequence (criticalPathMs). */
  sequentialMs: number;
}

/**
 * Copies the app `uniqueName` (its application, service principal and app role assignments) until
 * the tenant holds `total` managed apps; the first `due` copies get a secret that ends tomorrow,
 * the others one that ends in a year. Only the bench does this: the copies are what `provision`
 * made, without 1,000 runs of it.
 */
function cloneManagedApps(sandbox: Sandbox, uniqueName: string, total: number, due: number): void {
  const state = sandbox.ctx.state;
  const app = state.applications.find((a) => a.uniqueName === uniqueName);
  const sp = state.servicePrincipals.find((s) => s.appId === app?.appId);
  if (!app || !sp) throw new Error(`no app ${uniqueName} to copy`);
  const assignments = state.appRoleAssignments.filter((a) => a.principalId === sp.id);
  const day = 86_400_000;
  for (let i = 1; i < total; i++) {
    const name = `${uniqueName}-${String(i).padStart(4, '0')}`;
    const end = new Date(Date.now() + (i <= due ? 1 : 365) * day).toISOString();
    const copy = structuredClone(app);
    Object.assign(copy, { id: randomUUID(), appId: randomUUID(), uniqueName: name, displayName: name });
    copy.passwordCredentials = copy.passwordCredentials.map((c) => ({ ...c, keyId: randomUUID(), endDateTime: end }));
    const spCopy = { ...structuredClone(sp), id: randomUUID(), appId: copy.appId, displayName: name };
    state.applications.push(copy);
    state.servicePrincipals.push(spCopy);
    for (const a of assignments)
      state.appRoleAssignments.push({ ...a, id: randomUUID(), principalId: spCopy.id, principalDisplayName: name });
  }
}

async function runAgainst(bin: string, sandbox: Sandbox, env: NodeJS.ProcessEnv, cwd: string, args: string[]): Promise<FleetRun> {
  const mark = sandbox.ctx.log.length;
  const figures = await runWhole(bin, [...args, '--auth', 'env', '--json'], { env, cwd });
  const entries = sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'graph' || e.kind === 'token');
  return {
    exitCode: figures.exitCode,
    wallMs: figures.wallMs,
    cpuMs: figures.cpuMs,
    rssMb: figures.rssMb,
    requests: entries.length,
    sequential: criticalPath(entries),
    sequentialMs: criticalPathMs(entries),
  };
}

/** A sandbox tenant holding `total` managed apps, and a way to run the bin against it. */
export interface FleetTenant {
  sandbox: Sandbox;
  work: string;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<FleetRun>;
  close(): Promise<void>;
}

/**
 * A tenant with `total` managed apps, `due` of them with a secret ending tomorrow, at `latencyMs`
 * (one `provision`, then copies of what it made).
 */
export async function startFleetTenant(bin: string, options: { latencyMs: number; total: number; due: number }): Promise<FleetTenant> {
  const work = await mkdtemp(join(tmpdir(), 'entra-mail-bench-fleet-'));
  const sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  const close = async () => {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  };
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ...codeCacheHome(),
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...adminEnvironment(sandbox.settings),
      ...trustedLikeAPublicCa(sandbox),
    };
    const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runAgainst(bin, sandbox, { ...env, ...extraEnv }, work, args);
    const provision = ['provision', '--model', 'smtp', '--name', 'Fleet', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'];
    const seeded = await run(provision);
    if (seeded.exitCode !== 0) throw new Error(`provision for the fleet exited ${seeded.exitCode}`);
    cloneManagedApps(sandbox, 'fleet', options.total, options.due);
    sandbox.ctx.knobs.latencyMs = options.latencyMs;
    // rotate --out refuses a directory that does not exist (exit 2), so the bench makes it.
    await mkdir(join(work, 'out'), { recursive: true });
    return { sandbox, work, run, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `rotate --all` of the apps due within 30 days, each new secret written to its own file. */
export function rotateAllArgs(work: string): string[] {
  return ['rotate', '--all', '--expiring-within', '30d', '--out', join(work, 'out', '{uniqueName}.env')];
}

/** `status` reads only, so it is run again: one warm-up (the first run of a fresh install fills Node's compile cache), then the median of 3. */
export const STATUS_RUNS = 3;

/**
 * A tenant with `total` managed apps, `due` of them with a secret ending tomorrow, at `latencyMs`:
 * `status` and then one `rotate --all --expiring-within 30d` as whole processes.
 */
export async function measureFleet(bin: string, options: { latencyMs: number; total: number; due: number }) {
  const tenant = await startFleetTenant(bin, options);
  try {
    await tenant.run(['status']);
    const runs: FleetRun[] = [];
    for (let i = 0; i < STATUS_RUNS; i++) runs.push(await tenant.run(['status']));
    const status = medianOf(runs);
    const rotate = await tenant.run(rotateAllArgs(tenant.work));
    return { status, rotate };
  } finally {
    await tenant.close();
  }
}

/** Runs of one command: the median of each figure. */
function medianOf(runs: FleetRun[]): FleetRun {
  const of = (key: keyof FleetRun) => median(runs.map((r) => r[key]));
  return {
    exitCode: runs[0]?.exitCode ?? -1,
    wallMs: of('wallMs'),
    cpuMs: of('cpuMs'),
    rssMb: of('rssMb'),
    requests: of('requests'),
    sequential: of('sequential'),
    sequentialMs: of('sequentialMs'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { packAndInstall } = await import('./install.ts');
  const runs = Number(process.argv[2] ?? 3);
  const parts = process.argv[3] ? [process.argv[3]] : ['status', 'rotate'];
  const { bin } = await packAndInstall(fileURLToPath(new URL('../..', import.meta.url)));
  // A heap flag the user gives wins over the bin's; 0 is V8's "not set" (bin/fleet-heap.js).
  const v8Own = { NODE_OPTIONS: '--max-semi-space-size=0 --max-old-space-size=0' };
  const rows: Record<string, FleetRun[]> = {};
  const add = (key: string, run: FleetRun) => {
    // status exits 10 (attention) when apps are due, as they are here.
    if (run.exitCode !== 0 && !(key.startsWith('status') && run.exitCode === 10)) throw new Error(`${key} exited ${run.exitCode}`);
    rows[key] = [...(rows[key] ?? []), run];
  };
  for (let i = 0; i < runs; i++) {
    for (const [total, due] of [
      [10, 1],
      [1000, 100],
    ] as const) {
      if (parts.includes('status')) {
        const tenant = await startFleetTenant(bin, { latencyMs: 80, total, due });
        try {
          await tenant.run(['status']);
          for (let j = 0; j < STATUS_RUNS; j++) add(`status, ${total} apps`, await tenant.run(['status']));
        } finally {
          await tenant.close();
        }
      }
      if (parts.includes('rotate')) {
        for (const [label, env] of [
          ['', {}],
          [", V8's own heap limits", v8Own],
        ] as const) {
          const tenant = await startFleetTenant(bin, { latencyMs: 80, total, due });
          try {
            add(`rotate --all, ${total} apps${label}`, await tenant.run(rotateAllArgs(tenant.work), env));
          } finally {
            await tenant.close();
          }
        }
      }
    }
  }
  console.log(
    `80 ms latency; median of ${runs} runs (status: ${STATUS_RUNS} per run after a warm-up); wall / CPU user+sys / peak RSS / requests (in sequence, their time at the sandbox)`,
  );
  for (const [key, list] of Object.entries(rows)) {
    const m = medianOf(list);
    console.log(
      `  ${key.padEnd(46)} ${m.wallMs.toFixed(0).padStart(6)} ms  ${m.cpuMs.toFixed(0).padStart(5)} ms  ${m.rssMb.toFixed(1).padStart(6)} MB  ${m.requests} (${m.sequential}, ${m.sequentialMs.toFixed(0)} ms)`,
    );
  }
}
