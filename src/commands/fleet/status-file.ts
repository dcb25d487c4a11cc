import type { Deps } from '../../core/deps.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { parseWindowDays } from '../../core/validate.ts';
import { journalPath, readJournal } from '../../credentials/journal.ts';
import type { FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import type { AppOutcome } from '../../fleet/outcome.ts';
import { runFleet, type TenantWork } from '../../fleet/run-fleet.ts';
import { readStatus, type AppStatus } from '../../rotation/status.ts';
import type { CommandState } from '../shared/command-state.ts';
import { appRequest, locateError } from './app-request.ts';
import { readFleetRun, type FleetArgs } from './options.ts';
import { writeReport } from './plan-apply.ts';
import { openTenantSession, tenantConnection, tenantEnvironment } from './tenant-session.ts';

/**
 * `entra-mail status -f FILE`: credential expiry of every app the file lists, in every tenant, as
 * `status` reads it (src/rotation/status.ts). An app is due when no credential of the tool's
 * outlives its window (`rotation.expiringWithin`, else --expiring-within, else 30 days); any due
 * app makes the exit code 10, a failed tenant 7. Reads only.
 */
export async function statusFile(args: FleetArgs & { expiringWithin?: string }, deps: Deps, state: CommandState): Promise<void> {
  state.json = Boolean(args.json);
  state.verbose = Boolean(args.verbose);
  if (args.dryRun) throw new UsageError('status -f only reads: it has no --dry-run.', { flag: '--dry-run' });
  const fallback = args.expiringWithin !== undefined ? parseWindowDays(args.expiringWithin, '--expiring-within') : 30;
  const run = await readFleetRun(args, deps);
  const windows = new Map<FleetTenant['apps'][number], number>();
  for (const tenant of run.tenants) {
    const connection = tenantConnection(tenant, args, deps);
    for (const app of tenant.apps) {
      // The whole file is checked as apply checks it: a file apply would refuse is refused here too.
      appRequest(run.file, tenant, app, connection, deps.env, true);
      try {
        windows.set(app, app.rotation.expiringWithin ? parseWindowDays(app.rotation.expiringWithin, '--expiring-within') : fallback);
      } catch (error) {
        throw locateError(error, run.file, app);
      }
    }
  }
  const outcomes = await runFleet(run.tenants, (tenant, note) => statusTenant(run.file, tenant, windows, { args, deps, note }), {
    concurrency: run.concurrency,
    mode: run.mode,
    stderr: deps.stderr,
    now: () => deps.clock.nowMs(),
  });
  writeReport('status', run, outcomes, args, deps, state);
  if (state.exitCode === 0 && outcomes.some((t) => t.status === 'due' || t.status === 'drift')) state.exitCode = ExitCode.attention;
}

async function statusTenant(
  file: FleetFile,
  tenant: FleetTenant,
  windows: Map<FleetTenant['apps'][number], number>,
  run: { args: FleetArgs; deps: Deps; note: (line: string) => void },
): Promise<TenantWork> {
  const env = await tenantEnvironment(file, tenant, run.deps.env);
  const deps: Deps = { ...run.deps, env };
  const connection = tenantConnection(tenant, run.args, deps);
  run.note('signing in');
  const { graph, tenantId } = await openTenantSession(connection, run.args, deps);
  const id = tenantId ?? tenant.tenant;
  const nowMs = deps.clock.nowMs();
  const byWindow = new Map<number, Map<string, AppStatus>>();
  for (const windowDays of new Set(tenant.apps.map((a) => windows.get(a) as number))) {
    run.note(`reading (window ${windowDays} days)`);
    const statuses = await readStatus(graph, {
      nowMs,
      windowDays,
      journalFor: (uniqueName) => readJournal(journalPath(env, id, uniqueName)),
    });
    byWindow.set(windowDays, new Map(statuses.map((s) => [s.uniqueName.toLowerCase(), s])));
  }
  const apps = tenant.apps.map((app): AppOutcome => {
    const windowDays = windows.get(app) as number;
    const found = byWindow.get(windowDays)?.get(app.uniqueName.toLowerCase());
    if (!found) return { uniqueName: app.uniqueName, status: 'drift', detail: 'not in the tenant (apply -f creates it)' };
    const ends = found.credentials
      .filter((c) => c.marker !== null && !c.expired)
      .map((c) => c.endDateTime)
      .sort();
    const last = ends[ends.length - 1];
    return {
      uniqueName: app.uniqueName,
      appId: found.appId,
      status: found.due ? 'due' : 'ok',
      detail: `${found.due ? 'DUE: ' : ''}consent ${found.consent}; ${last ? `valid until ${last.slice(0, 10)}` : 'no valid credential of entra-mail'} (window ${windowDays} days)`,
      consent: found.consent,
      credentials: found.credentials,
    };
  });
  return { ...(tenantId ? { tenantId } : {}), apps };
}
