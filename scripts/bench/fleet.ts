import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.ts';
import { runWhole } from './measure.ts';
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

/**
 * A tenant with `total` managed apps, `due` of them with a secret ending tomorrow, at `latencyMs`:
 * one `status` and one `rotate --all --expiring-within 30d` as whole processes.
 */
export async function measureFleet(bin: string, options: { latencyMs: number; total: number; due: number }) {
  const work = await mkdtemp(join(tmpdir(), 'entra-mail-bench-fleet-'));
  const sandbox = await startSandbox({ dir: join(work, 'sandbox') });
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ENTRA_MAIL_STATE_DIR: join(work, 'state'),
      ...adminEnvironment(sandbox.settings),
      ...trustedLikeAPublicCa(sandbox),
    };
    const provision = ['provision', '--model', 'smtp', '--name', 'Fleet', '--mailbox', 'noreply@contoso.com', '--exchange', 'skip'];
    const seeded = await runAgainst(bin, sandbox, env, work, provision);
    if (seeded.exitCode !== 0) throw new Error(`provision for the fleet exited ${seeded.exitCode}`);
    cloneManagedApps(sandbox, 'fleet', options.total, options.due);
    sandbox.ctx.knobs.latencyMs = options.latencyMs;
    // rotate --out refuses a directory that does not exist (exit 2), so the bench makes it.
    await mkdir(join(work, 'out'), { recursive: true });
    const status = await runAgainst(bin, sandbox, env, work, ['status']);
    const rotate = await runAgainst(bin, sandbox, env, work, [
      'rotate',
      '--all',
      '--expiring-within',
      '30d',
      '--out',
      join(work, 'out', '{uniqueName}.env'),
    ]);
    return { status, rotate };
  } finally {
    await sandbox.close();
    await rm(work, { recursive: true, force: true });
  }
}
