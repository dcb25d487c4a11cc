import type { Deps } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import { parseWindowDays } from '../../core/validate.ts';
import { journalPath, readJournal } from '../../credentials/journal.ts';
import type { LifecycleDeps } from '../../credentials/types.ts';
import type { FleetApp, FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import type { AppOutcome } from '../../fleet/outcome.ts';
import { describeFailure, runFleet, type TenantWork } from '../../fleet/run-fleet.ts';
import { findManagedApplication } from '../../rotation/find-app.ts';
import { retirePastGrace, rotateApplication } from '../../rotation/rotate.ts';
import { statusOfCredentials } from '../../rotation/status.ts';
import type { CommandState } from '../shared/command-state.ts';
import { canPrompt } from '../shared/confirm.ts';
import { checkRotatePreconditions, validateRotateArgs, type RotateArgs, type RotatePlanArgs } from '../rotate/options.ts';
import { buildSinks } from '../rotate/sinks.ts';
import { appRequest, locateError, pathFor, tenantFolder } from './app-request.ts';
import { readFleetRun, type FleetArgs } from './options.ts';
import { writeReport } from './plan-apply.ts';
import { openTenantSession, tenantConnection, tenantEnvironment } from './tenant-session.ts';

/**
 * `entra-mail rotate -f FILE`: in every tenant, each app of the file whose credentials end within
 * its `rotation.expiringWithin` (default 30d) is rotated by the rotation code `rotate --app` uses
 * (src/rotation/rotate.ts: its journal, lock, confirmation and grace period), delivered to the
 * app's sinks. With --dry-run it only says which are due.
 */
export async function rotateFile(args: RotateArgs & FleetArgs, deps: Deps, state: CommandState): Promise<void> {
  state.json = Boolean(args.json);
  state.verbose = Boolean(args.verbose);
  if (args.app !== undefined || args.all)
    throw new UsageError('rotate -f takes the apps from the file: leave out --app and --all.', { flag: args.all ? '--all' : '--app' });
  if (!args.yes && !args.dryRun && canPrompt(deps))
    throw new UsageError('rotate -f in a terminal needs --yes (or --dry-run first to see what is due).', { flag: '--yes' });
  const run = await readFleetRun(args, deps);
  // Every app's rotation is validated before any sign-in, as `rotate --app` validates its flags.
  const plans = new Map<FleetApp, RotatePlanArgs & { windowDays: number }>();
  for (const tenant of run.tenants) {
    const connection = tenantConnection(tenant, args, deps);
    for (const app of tenant.apps) {
      const defaultOut = appRequest(run.file, tenant, app, connection, deps.env, true).output.outPath;
      const plan = rotationOf(run.file, tenant, app, defaultOut);
      await checkRotatePreconditions(plan, tenantFolder(run.file, tenant), deps.env).catch((error: unknown) => {
        throw locateError(error, run.file, app);
      });
      plans.set(app, plan);
    }
  }
  const outcomes = await runFleet(
    run.tenants,
    (tenant, note) => rotateTenant(run.file, tenant, plans, { args, deps, note, dryRun: Boolean(args.dryRun) }),
    { concurrency: run.concurrency, mode: run.mode, stderr: deps.stderr, now: () => deps.clock.nowMs() },
  );
  writeReport('rotate', run, outcomes, args, deps, state);
}

/** The app's `rotate --app` flags, from its rotation and sinks keys; a bad one is the file's error. */
function rotationOf(file: FleetFile, tenant: FleetTenant, app: FleetApp, defaultOut: string): RotatePlanArgs & { windowDays: number } {
  const { sinks, rotation } = app;
  const hasSink = sinks.out !== undefined || sinks.keyVault !== undefined || sinks.onRotate !== undefined;
  const args: RotateArgs = {
    app: app.uniqueName,
    credential: app.credential ?? 'secret',
    secretLifetime: app.secretLifetime ?? '180d',
    keep: rotation.keep ?? 0,
    grace: rotation.grace ?? '7d',
    expiringWithin: rotation.expiringWithin ?? '30d',
    // Without a sink of its own the new secret goes to the file apply wrote, in its format.
    ...(sinks.out !== undefined ? { out: pathFor(file, sinks.out, tenant, app) } : hasSink ? {} : { out: defaultOut }),
    ...(sinks.keyVault !== undefined ? { keyVault: sinks.keyVault } : {}),
    ...(sinks.keyVaultSecret !== undefined ? { keyVaultSecret: sinks.keyVaultSecret.replaceAll('{tenant}', tenant.tenant) } : {}),
    ...(sinks.onRotate !== undefined ? { onRotate: sinks.onRotate } : {}),
  };
  try {
    const plan = validateRotateArgs(args, tenantFolder(file, tenant));
    return { ...plan, windowDays: plan.windowDays ?? parseWindowDays('30d', '--expiring-within') };
  } catch (error) {
    throw locateError(error, file, app);
  }
}

async function rotateTenant(
  file: FleetFile,
  tenant: FleetTenant,
  plans: Map<FleetApp, RotatePlanArgs & { windowDays: number }>,
  run: { args: FleetArgs; deps: Deps; note: (line: string) => void; dryRun: boolean },
): Promise<TenantWork> {
  const env = await tenantEnvironment(file, tenant, run.deps.env);
  const deps: Deps = { ...run.deps, env };
  const connection = tenantConnection(tenant, run.args, deps);
  run.note('signing in');
  const { graph, credential, tenantId } = await openTenantSession(connection, run.args, deps);
  const id = tenantId ?? tenant.tenant;
  const lifecycle: LifecycleDeps = {
    graph,
    clock: deps.clock,
    env,
    newId: deps.newId,
    tenantId: id,
    endpoints: connection.endpoints,
    graphScope: connection.graphScope,
    log: (line) => run.note(line),
    ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
  };
  const apps: AppOutcome[] = [];
  for (const app of tenant.apps) {
    const plan = plans.get(app) as RotatePlanArgs & { windowDays: number };
    run.note(`${app.uniqueName}: reading`);
    apps.push(
      await rotateOne(lifecycle, app, plan, {
        deps: { ...deps, cwd: tenantFolder(file, tenant) },
        connection,
        credential,
        tenantId: id,
        dryRun: run.dryRun,
      }).catch((error: unknown): AppOutcome => ({ uniqueName: app.uniqueName, status: 'failed', ...describeFailure(error) })),
    );
  }
  return { ...(tenantId ? { tenantId } : {}), apps };
}

async function rotateOne(
  lifecycle: LifecycleDeps,
  app: FleetApp,
  plan: RotatePlanArgs & { windowDays: number },
  context: Parameters<typeof buildSinks>[2] & { dryRun: boolean },
): Promise<AppOutcome> {
  const application = await findManagedApplication(lifecycle.graph, app.uniqueName);
  const journal = await readJournal(journalPath(lifecycle.env, lifecycle.tenantId, app.uniqueName)).catch(() => undefined);
  const nowMs = lifecycle.clock.nowMs();
  const { due } = statusOfCredentials(application, { nowMs, windowDays: plan.windowDays }, journal);
  const base = { uniqueName: app.uniqueName, appId: application.appId };
  if (context.dryRun) return { ...base, status: due ? 'due' : 'ok', detail: due ? 'due: rotate -f would rotate it' : 'not due' };
  if (!due) {
    // As rotate --all: an app not due still loses the credentials whose grace period has ended.
    const past = (journal?.credentials ?? []).some((e) => e.retireAfter !== undefined && Date.parse(e.retireAfter) <= nowMs);
    const removed = past ? await retirePastGrace(lifecycle, application) : [];
    return {
      ...base,
      status: removed.length > 0 ? 'changed' : 'ok',
      detail: removed.length > 0 ? `not due; removed ${removed.length} credential(s) whose grace period ended` : 'not due',
    };
  }
  const { outcome } = await rotateApplication(lifecycle, application, {
    kind: plan.kind,
    lifetimeDays: plan.lifetimeDays,
    keep: plan.keep,
    graceMs: plan.graceMs,
    confirmDeadlineMs: plan.confirmDeadlineMs,
    sinks: (managed) => buildSinks(plan, managed, context),
  });
  return {
    ...base,
    status: 'changed',
    detail: `new ${outcome.credential?.kind ?? 'credential'} ${outcome.credential?.keyId ?? ''}, delivered to ${outcome.sinks.join('; ')}`,
    credential: outcome.credential,
    retiringKeyIds: outcome.retiringKeyIds ?? [],
    removedKeyIds: outcome.removedKeyIds,
  };
}
