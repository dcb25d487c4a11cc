import { ExitCode } from '../core/errors.ts';
import type { Change } from '../provision/types.ts';

/** One app's result in a fleet run (plan, apply, rotate or status). */
export interface AppOutcome {
  uniqueName: string;
  appId?: string;
  /** ok: as the file says (or nothing due) · drift: plan found changes · changed: apply/rotate changed it · due: status found it due · failed. */
  status: 'ok' | 'drift' | 'changed' | 'due' | 'failed';
  changes?: Change[];
  /** One line for people: what changed or was found. */
  detail?: string;
  error?: Record<string, unknown>;
  /** Command-specific facts (status: credentials; rotate: the new credential's key id …), never a secret. */
  [extra: string]: unknown;
}

export interface TenantOutcome {
  tenant: string;
  label?: string;
  tenantId?: string;
  status: 'ok' | 'drift' | 'changed' | 'due' | 'failed';
  /** For a failed tenant: the exit code the failure has on its own (3 sign-in, 4 permission, 7 service …). */
  exitCode?: number;
  error?: Record<string, unknown>;
  apps: AppOutcome[];
  wallMs: number;
}

/** A tenant's status from its apps': a failed app fails the tenant; otherwise the strongest of drift / changed / due. */
export function tenantStatus(apps: AppOutcome[]): TenantOutcome['status'] {
  for (const status of ['failed', 'drift', 'due', 'changed'] as const) if (apps.some((a) => a.status === status)) return status;
  return 'ok';
}

/** The tenant's line in progress and in the summary. */
export function describeOutcome(outcome: TenantOutcome): string {
  if (outcome.status === 'failed') {
    const failedApps = outcome.apps.filter((a) => a.status === 'failed');
    const why = outcome.error?.message ?? failedApps.map((a) => `${a.uniqueName}: ${String(a.error?.message ?? '')}`).join('; ');
    return `failed (exit ${outcome.exitCode ?? failedApps[0]?.error?.exitCode ?? ExitCode.service}): ${String(why)}`;
  }
  const count = (s: AppOutcome['status']) => outcome.apps.filter((a) => a.status === s).length;
  const parts = [`${outcome.apps.length} app(s)`];
  for (const s of ['drift', 'changed', 'due'] as const) if (count(s) > 0) parts.push(`${count(s)} ${s}`);
  return `${outcome.status} (${parts.join(', ')})`;
}
