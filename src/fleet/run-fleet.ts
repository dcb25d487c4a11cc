import type { OutputStream } from '../core/deps.ts';
import { isEntraMailError, ExitCode } from '../core/errors.ts';
import { mapWithConcurrency } from '../credentials/pool.ts';
import type { ProgressMode } from '../provision/task-runner.ts';
import type { FleetTenant } from './fleet-file.ts';
import type { AppOutcome } from './outcome.ts';
import { describeOutcome, tenantStatus, type TenantOutcome } from './outcome.ts';
import { runWithListr } from './listr-progress.ts';

/** What one tenant's work reports: its id (from the token) and each app's outcome. */
export interface TenantWork {
  tenantId?: string;
  apps: AppOutcome[];
}

export interface FleetRunOptions {
  concurrency: number;
  mode: ProgressMode;
  stderr: OutputStream;
  now: () => number;
}

/** The default number of tenants worked on at once (`--concurrency`). */
export const DEFAULT_CONCURRENCY = 8;

/**
 * Runs `work` for every tenant, `concurrency` tenants at a time. Each tenant is on its own: a
 * failed sign-in, throttling past the deadline or a missing role ends that tenant's run with its
 * error recorded, never another's. Progress goes to stderr: a live list per tenant in a terminal,
 * one plain line per event in CI and logs, nothing with --json. Outcomes keep the file's order.
 */
export async function runFleet(
  tenants: readonly FleetTenant[],
  work: (tenant: FleetTenant, note: (line: string) => void) => Promise<TenantWork>,
  options: FleetRunOptions,
): Promise<TenantOutcome[]> {
  const runOne = async (tenant: FleetTenant, note: (line: string) => void): Promise<TenantOutcome> => {
    const started = options.now();
    const base = { tenant: tenant.tenant, ...(tenant.label !== undefined ? { label: tenant.label } : {}) };
    try {
      const done = await work(tenant, note);
      return {
        ...base,
        ...(done.tenantId ? { tenantId: done.tenantId } : {}),
        status: tenantStatus(done.apps),
        apps: done.apps,
        wallMs: options.now() - started,
      };
    } catch (error) {
      return { ...base, status: 'failed', ...describeFailure(error), apps: [], wallMs: options.now() - started };
    }
  };
  if (options.mode === 'default') return runWithListr(tenants, runOne, options);
  const say = options.mode === 'simple' ? (line: string) => options.stderr.write(`${line}\n`) : () => undefined;
  return mapWithConcurrency(tenants, options.concurrency, async (tenant) => {
    say(`${tenant.tenant}: started`);
    const outcome = await runOne(tenant, (line) => say(`${tenant.tenant}: ${line}`));
    say(`${tenant.tenant}: ${describeOutcome(outcome)}`);
    return outcome;
  });
}

/** An error as the report carries it: the tool's own JSON form, or a bug's message. */
export function describeFailure(error: unknown): { exitCode: number; error: Record<string, unknown> } {
  if (isEntraMailError(error)) {
    const json = Object.fromEntries(Object.entries(error.toJSON()).filter(([, v]) => v !== undefined));
    return { exitCode: error.exitCode, error: json };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: ExitCode.bug, error: { error: 'UnexpectedError', exitCode: ExitCode.bug, message } };
}
