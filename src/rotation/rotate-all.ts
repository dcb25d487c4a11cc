import { isEntraMailError, ExitCode } from '../core/errors.ts';
import { mapWithConcurrency } from '../credentials/pool.ts';
import { type Journal, tenantJournals } from '../credentials/journal.ts';
import { retirePastGrace, rotateApplication, type RotateOptions } from './rotate.ts';
import { readStatusWithApps, type AppStatus } from './status.ts';
import type { LifecycleDeps, RotateOutcome } from '../credentials/types.ts';

/** Apps rotated at once by `rotate --all`: each rotation is a handful of writes plus token requests. */
export const ROTATE_ALL_CONCURRENCY = 4;

/**
 * `rotate --all --expiring-within N`: every managed app that is due (src/rotation/status.ts),
 * rotated a few at a time. One app's failure does not stop the others; each outcome is reported,
 * with the error's exit code, and the caller exits non-zero if any failed.
 */
export async function rotateAll(
  deps: LifecycleDeps,
  options: RotateOptions & { windowDays: number; concurrency?: number },
): Promise<RotateOutcome[]> {
  const journalFor = await tenantJournals(deps.env, deps.tenantId);
  const read = await readStatusWithApps(deps.graph, {
    nowMs: deps.clock.nowMs(),
    windowDays: options.windowDays,
    journalFor,
  });
  const statuses = read.map((r) => r.status);
  const applicationOf = new Map(read.map((r) => [r.status.id, r.application]));
  // Each rotation reads its app again under the app's lock; the listed copy only names it.
  const listed = (status: AppStatus) => applicationOf.get(status.id) as NonNullable<ReturnType<typeof applicationOf.get>>;
  // Apps not due still lose the credentials whose grace period ended (docs/credential-lifecycle.md).
  const skipped = await mapWithConcurrency(
    statuses.filter((s) => !s.due),
    options.concurrency ?? ROTATE_ALL_CONCURRENCY,
    async (status): Promise<RotateOutcome> => {
      const outcome: RotateOutcome = {
        appId: status.appId,
        uniqueName: status.uniqueName,
        status: 'skipped',
        removedKeyIds: [],
        orphansRemoved: [],
        sinks: [],
      };
      try {
        if (!(await hasPastGrace(deps, status, journalFor))) return outcome;
        const removed = await retirePastGrace(deps, listed(status));
        return { ...outcome, removedKeyIds: removed.map((c) => c.keyId) };
      } catch (error) {
        return failedOutcome(deps, status, error);
      }
    },
  );
  const due = statuses.filter((s) => s.due);
  deps.log(`rotate --all: ${due.length} of ${statuses.length} managed app(s) due within ${options.windowDays} days`);
  const rotated = await mapWithConcurrency(due, options.concurrency ?? ROTATE_ALL_CONCURRENCY, async (status): Promise<RotateOutcome> => {
    try {
      return (await rotateApplication(deps, listed(status), options)).outcome;
    } catch (error) {
      return failedOutcome(deps, status, error);
    }
  });
  return [...rotated, ...skipped];
}

function failedOutcome(deps: LifecycleDeps, status: Pick<AppStatus, 'appId' | 'uniqueName'>, error: unknown): RotateOutcome {
  deps.log(`rotate ${status.uniqueName}: failed: ${isEntraMailError(error) ? error.message : 'unexpected error'}`);
  return {
    appId: status.appId,
    uniqueName: status.uniqueName,
    status: 'failed',
    removedKeyIds: [],
    orphansRemoved: [],
    sinks: [],
    error: isEntraMailError(error)
      ? {
          exitCode: error.exitCode,
          ...(error.code ? { code: error.code } : {}),
          message: error.message,
          ...(error.suggestion ? { suggestion: error.suggestion } : {}),
        }
      : { exitCode: ExitCode.bug, message: error instanceof Error ? error.message : String(error) },
  };
}

/** A local look first: only an app whose journal dates a credential it still has is locked and read again. */
async function hasPastGrace(
  deps: LifecycleDeps,
  status: AppStatus,
  journalFor: (uniqueName: string) => Promise<Journal | undefined>,
): Promise<boolean> {
  const journal = await journalFor(status.uniqueName).catch(() => undefined);
  const nowMs = deps.clock.nowMs();
  return (journal?.credentials ?? []).some(
    (e) => e.retireAfter !== undefined && Date.parse(e.retireAfter) <= nowMs && status.credentials.some((c) => c.keyId === e.keyId),
  );
}
