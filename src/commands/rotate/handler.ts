import type { CommandModule } from 'yargs';
import type { Deps } from '../../core/deps.ts';
import { ExitCode } from '../../core/errors.ts';
import { readTenant } from '../../graph/organization.ts';
import type { GraphGateway } from '../../graph/gateway.ts';
import { findManagedApplication } from '../../rotation/find-app.ts';
import { rotateAll } from '../../rotation/rotate-all.ts';
import { rotateApplication, type RotateOptions } from '../../rotation/rotate.ts';
import { statusOfCredentials } from '../../rotation/status.ts';
import type { LifecycleDeps, RotateOutcome } from '../../credentials/types.ts';
import { buildSinks } from './sinks.ts';
import { withFleetFlags, type FleetArgs } from '../fleet/options.ts';
import { rotateFile } from '../fleet/rotate-file.ts';
import { resolveConnection } from '../shared/connection.ts';
import { openGraphSession } from '../shared/graph-session.ts';
import type { CommandState } from '../shared/command-state.ts';
import { canPrompt, confirmPlan, describeDeclined } from '../shared/confirm.ts';
import { checkRotatePreconditions, validateRotateArgs, withRotateOptions, type RotateArgs, type RotatePlanArgs } from './options.ts';

/**
 * `entra-mail rotate`: add → deliver → confirm → remove old (src/rotation/rotate.ts), for one app
 * or, with `--all --expiring-within`, for every due app a few at a time. The new secret reaches
 * stdout only with --show-secret, and only once it is confirmed: stdout cannot be rolled back.
 */
export function rotateCommand(deps: Deps, state: CommandState): CommandModule<object, RotateArgs & FleetArgs> {
  return {
    command: 'rotate',
    describe: 'Add a new secret (or certificate), deliver it, verify it, then remove the old ones entra-mail created',
    builder: (y) => withFleetFlags(withRotateOptions(y)),
    handler: async (args) => {
      // -f: every app of the fleet file, in every tenant (docs/fleet.md).
      if (args.file !== undefined) return rotateFile(args, deps, state);
      state.json = Boolean(args.json);
      state.verbose = Boolean(args.verbose);
      const connection = resolveConnection(args, deps);
      const plan = validateRotateArgs(args, deps.cwd);
      await checkRotatePreconditions(plan, deps.cwd, deps.env);
      // First after sign-in: the estate's read for --all (as status), else the app.
      const { graph, credential, token } = await openGraphSession(connection, args, deps, { graphConnections: plan.target.all ? 4 : 1 });
      const tenantId = (await readTenant(graph, token, { domains: false })).id;
      const lifecycle: LifecycleDeps = {
        graph,
        clock: deps.clock,
        env: deps.env,
        newId: deps.newId,
        tenantId,
        endpoints: connection.endpoints,
        graphScope: connection.graphScope,
        log: args.json ? () => undefined : (line) => deps.stderr.write(`${line}\n`),
        ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
      };
      const options: RotateOptions = {
        kind: plan.kind,
        lifetimeDays: plan.lifetimeDays,
        keep: plan.keep,
        graceMs: plan.graceMs,
        confirmDeadlineMs: plan.confirmDeadlineMs,
        sinks: (app) => buildSinks(plan, app, { deps, connection, credential, tenantId }),
        ...(plan.render ? { render: plan.render } : {}),
      };
      if (plan.target.all) {
        if (!args.dryRun && canPrompt(deps) && !args.yes) {
          const due = (await planAll(lifecycle, plan.windowDays ?? 0)).filter((o) => o.status === 'rotated');
          if (!(await confirmRotation(deps, tenantId, due, plan))) return;
        }
        const outcomes = args.dryRun
          ? await planAll(lifecycle, plan.windowDays ?? 0)
          : await rotateAll(lifecycle, { ...options, windowDays: plan.windowDays ?? 0 });
        writeOutcomes(deps, Boolean(args.json), tenantId, outcomes, Boolean(args.dryRun));
        const failed = outcomes.find((o) => o.status === 'failed');
        if (failed) state.exitCode = failed.error?.exitCode ?? ExitCode.bug;
        return;
      }
      const application = await findManagedApplication(graph, plan.target.reference);
      if (
        plan.windowDays !== undefined &&
        !statusOfCredentials(application, { nowMs: deps.clock.nowMs(), windowDays: plan.windowDays }).due
      ) {
        const outcome: RotateOutcome = {
          appId: application.appId,
          uniqueName: application.uniqueName ?? application.appId,
          status: 'skipped',
          removedKeyIds: [],
          orphansRemoved: [],
          sinks: [],
        };
        writeOutcomes(deps, Boolean(args.json), tenantId, [outcome], false);
        return;
      }
      if (args.dryRun) {
        writeOutcomes(
          deps,
          Boolean(args.json),
          tenantId,
          [
            {
              appId: application.appId,
              uniqueName: application.uniqueName ?? application.appId,
              status: 'skipped',
              removedKeyIds: [],
              orphansRemoved: [],
              sinks: [],
            },
          ],
          true,
        );
        return;
      }
      const target = { appId: application.appId, uniqueName: application.uniqueName ?? application.appId };
      if (canPrompt(deps) && !args.yes && !(await confirmRotation(deps, tenantId, [target], plan))) return;
      const { outcome, delivered } = await rotateApplication(lifecycle, application, options);
      if (args.json) {
        const value = plan.showSecret ? { value: delivered.credential.value.reveal() } : {};
        deps.stdout.write(`${JSON.stringify({ tenantId, outcomes: [{ ...outcome, ...value }] }, null, 2)}\n`);
      } else {
        writeOutcomes(deps, false, tenantId, [outcome], false);
        if (plan.showSecret) deps.stdout.write(`\n${delivered.text.reveal().trimEnd()}\n`);
      }
    },
  };
}

/** In a terminal, rotate shows what it will rotate and asks first (src/commands/shared/confirm.ts); `--yes` skips it. */
async function confirmRotation(
  deps: Deps,
  tenantId: string,
  apps: { appId: string; uniqueName: string }[],
  plan: RotatePlanArgs,
): Promise<boolean> {
  if (apps.length === 0) return true;
  const grace = plan.graceMs === 0 ? 'removed once the new one works' : `kept ${Math.round(plan.graceMs / 3_600_000)} h, then removed`;
  const outcome = await confirmPlan(
    {
      plan: ['Plan:', ...apps.map((a) => `  ~ rotate ${a.uniqueName} (${a.appId}): a new ${plan.kind}; the current one is ${grace}`)],
      question: `Rotate ${apps.length} app(s) in tenant ${tenantId}?`,
      yes: false,
    },
    deps,
  );
  if (outcome !== 'declined') return true;
  deps.stderr.write(describeDeclined(tenantId));
  return false;
}

/** --dry-run --all: which apps are due; nothing is minted. */
async function planAll(lifecycle: LifecycleDeps, windowDays: number): Promise<RotateOutcome[]> {
  const { readStatus } = await import('../../rotation/status.ts');
  const statuses = await readStatus(lifecycle.graph as GraphGateway, { nowMs: lifecycle.clock.nowMs(), windowDays });
  return statuses.map((s) => ({
    appId: s.appId,
    uniqueName: s.uniqueName,
    status: s.due ? ('rotated' as const) : ('skipped' as const),
    removedKeyIds: [],
    orphansRemoved: [],
    sinks: [],
  }));
}

function writeOutcomes(deps: Deps, json: boolean, tenantId: string, outcomes: RotateOutcome[], dryRun: boolean): void {
  if (json) {
    deps.stdout.write(`${JSON.stringify({ tenantId, dryRun, outcomes }, null, 2)}\n`);
    return;
  }
  const lines = outcomes.map((o) => {
    const status = dryRun ? (o.status === 'rotated' ? 'due' : 'not due') : o.status;
    const detail =
      o.status === 'rotated' && o.credential && !dryRun
        ? `new ${o.credential.kind} ${o.credential.keyId} (expires ${o.credential.endDateTime.slice(0, 10)}), removed ${o.removedKeyIds.length} old, ${o.retiringKeyIds?.length ?? 0} kept for the grace period, delivered to ${o.sinks.join('; ') || 'stdout'}`
        : o.status === 'failed'
          ? `exit ${o.error?.exitCode}: ${o.error?.message ?? ''}`
          : dryRun
            ? ''
            : o.removedKeyIds.length > 0
              ? `not due; removed ${o.removedKeyIds.length} credential(s) whose grace period ended`
              : 'not due; nothing changed';
    return `${status.padEnd(8)} ${o.uniqueName} (${o.appId})${detail ? `: ${detail}` : ''}`;
  });
  deps.stdout.write(`${dryRun ? 'Plan (dry run, nothing changed):\n' : ''}${lines.join('\n')}\n`);
}
