import type { CommandModule } from 'yargs';
import type { Deps } from '../../core/deps.ts';
import { ExitCode, UsageError } from '../../core/errors.ts';
import { paletteFor } from '../../core/style.ts';
import { checkStateDirectory } from '../../credentials/journal.ts';
import type { TenantOutcome } from '../../fleet/outcome.ts';
import { buildReport, formatAppLines, formatSummary, type FleetCommand } from '../../fleet/report.ts';
import { runFleet } from '../../fleet/run-fleet.ts';
import type { CommandState } from '../shared/command-state.ts';
import { canPrompt, confirmPlan } from '../shared/confirm.ts';
import { appRequest, prepareApply } from './app-request.ts';
import { applySinksOf } from './apply-sinks.ts';
import { convergeTenant } from './converge.ts';
import { readFleetRun, withFleetOptions, type FleetArgs, type FleetRun } from './options.ts';
import { tenantConnection } from './tenant-session.ts';

interface PlanArgs extends FleetArgs {
  detailedExitcode?: boolean;
}

/** `entra-mail plan -f FILE`: every tenant read, nothing changed; per tenant and app what apply would change. */
export function planCommand(deps: Deps, state: CommandState): CommandModule<object, PlanArgs> {
  return {
    command: 'plan',
    describe: 'Read every tenant of the fleet file and show what apply would change (changes nothing)',
    builder: (y) =>
      withFleetOptions(y).option('detailed-exitcode', {
        type: 'boolean',
        default: false,
        describe: 'Exit 10 when any tenant differs from the file',
      }) as never,
    handler: async (args) => {
      const outcomes = await runConverge('plan', args, deps, state);
      if (outcomes && args.detailedExitcode && state.exitCode === 0 && outcomes.some((t) => t.status === 'drift'))
        state.exitCode = ExitCode.attention;
    },
  };
}

/** `entra-mail apply -f FILE`: every tenant converged to the file through the provision pipeline. */
export function applyCommand(deps: Deps, state: CommandState): CommandModule<object, FleetArgs> {
  return {
    command: 'apply',
    describe: 'Bring every tenant of the fleet file to what it says (the provision pipeline per app)',
    builder: (y) => withFleetOptions(y) as never,
    handler: async (args) => {
      await runConverge('apply', args, deps, state);
    },
  };
}

async function runConverge(command: FleetCommand, args: FleetArgs, deps: Deps, state: CommandState): Promise<TenantOutcome[] | undefined> {
  state.json = Boolean(args.json);
  state.verbose = Boolean(args.verbose);
  if (args.dryRun) throw new UsageError(`${command} -f has no --dry-run: plan -f is the dry run of apply -f.`, { flag: '--dry-run' });
  const run = await readFleetRun(args, deps);
  await checkEveryApp(run, args, deps, command === 'apply');
  await checkStateDirectory(deps.env);
  if (command === 'apply' && canPrompt(deps) && !args.yes && !(await confirmApply(run, args, deps))) return undefined;
  const outcomes = await runFleet(run.tenants, (tenant, note) => convergeTenant(run.file, tenant, args, deps, command === 'plan', note), {
    concurrency: run.concurrency,
    mode: run.mode,
    stderr: deps.stderr,
    now: () => deps.clock.nowMs(),
  });
  writeReport(command, run, outcomes, args, deps, state);
  return outcomes;
}

/**
 * Every tenant's connection and every app's request built once before any sign-in, and for apply
 * every file it may write checked: a bad value stops the whole run with exit 2, nothing sent.
 */
async function checkEveryApp(run: FleetRun, args: FleetArgs, deps: Deps, apply: boolean): Promise<void> {
  for (const tenant of run.tenants) {
    let connection: ReturnType<typeof tenantConnection>;
    try {
      connection = tenantConnection(tenant, args, deps);
    } catch (error) {
      throw new UsageError(`${run.file.locate(tenant.at)}: tenants[${tenant.index}]: ${(error as Error).message}`, { flag: '--file' });
    }
    for (const app of tenant.apps) {
      const request = appRequest(run.file, tenant, app, connection, deps.env, !apply);
      applySinksOf(run.file, tenant, app);
      if (apply) await prepareApply(run.file, tenant, app, request, deps.env);
    }
  }
}

/** In a terminal without --yes: the plan first, then one question for the whole fleet. */
async function confirmApply(run: FleetRun, args: FleetArgs, deps: Deps): Promise<boolean> {
  const planned = await runFleet(run.tenants, (tenant, note) => convergeTenant(run.file, tenant, args, deps, true, note), {
    concurrency: run.concurrency,
    mode: 'silent',
    stderr: deps.stderr,
    now: () => deps.clock.nowMs(),
  });
  const report = buildReport('plan', run.file.path, run, planned);
  const drift = planned.filter((t) => t.status === 'drift').length;
  const outcome = await confirmPlan(
    {
      plan: ['Plan:', ...formatAppLines(report).trimEnd().split('\n')],
      question: `Apply the changes to ${drift} of ${planned.length} tenant(s)?`,
      yes: false,
    },
    deps,
  );
  if (outcome !== 'declined') return true;
  deps.stderr.write(`Nothing was changed in any tenant of ${run.file.path}.\n`);
  return false;
}

export function writeReport(
  command: FleetCommand,
  run: FleetRun,
  outcomes: TenantOutcome[],
  args: FleetArgs,
  deps: Deps,
  state: CommandState,
) {
  const report = buildReport(command, run.file.path, run, outcomes);
  if (args.json) deps.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else deps.stdout.write(`${formatAppLines(report)}${formatSummary(report, paletteFor(deps.stdout, deps.env))}`);
  if (report.failed.length > 0) {
    deps.stderr.write(`entra-mail: ${report.failed.length} tenant(s) failed: ${report.failed.join(', ')}\n`);
    state.exitCode = ExitCode.service;
  }
}
