import type { Clock } from '../core/clock.ts';
import { ServiceError } from '../core/errors.ts';
import { parseRetryAfter } from '../core/retry-after.ts';
import { classifyNetworkFailure, isPermanentNetworkFailure, isWrongAddress } from '../core/network-failure.ts';
import { GraphFailure, GraphNetworkFailure } from './errors.ts';

export { parseRetryAfter };

/**
 * What to do about a failed attempt. Replication and throttling are expected in Entra
 * (docs/graph-errors-and-consistency.md#eventual-consistency, docs/graph-errors-and-consistency.md#throttling; docs/reliability.md#replication-and-policy, docs/reliability.md#throttling-and-transient-errors); everything else fails at once.
 */
export type RetryDecision =
  | { kind: 'replication' }
  | { kind: 'throttled'; retryAfterMs: number | undefined }
  | { kind: 'transient' }
  | { kind: 'fail' };

export interface RetryOptions {
  clock: Clock;
  /** Epoch ms by which the step must be done (per-step deadline). */
  deadlineAt: number;
  /** Attempt cap, counting the first (docs/reliability.md#headline-figures: ≤ 8 attempts per request). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1; injected so tests can make jitter deterministic. */
  random?: () => number;
  /** Aborted: no further attempt, and a wait under way ends at once with the signal's reason. */
  signal?: AbortSignal;
  step: string;
  object: string;
  /** Called before each sleep (progress, --verbose). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** May the request be repeated blindly? A non-idempotent POST may not (docs/reliability.md#ambiguous-addpassword, docs/reliability.md#ambiguous-app-create). */
  idempotent: boolean;
  classify?: (error: unknown) => RetryDecision;
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** The default classification: by status and Graph error code, never by message text alone. */
export function classifyGraphError(error: unknown): RetryDecision {
  // An untrusted or misnamed certificate does not change by asking again: report it at once. Nor does an
  // address nothing listens on or a name that does not exist, while Graph has not answered this process at
  // all: that is --graph-endpoint, the port or the proxy (docs/diagnostics.md#graph-connection-failures).
  if (error instanceof GraphNetworkFailure) {
    const failure = classifyNetworkFailure(error);
    if (isPermanentNetworkFailure(failure)) return { kind: 'fail' };
    if (error.beforeFirstAnswer && isWrongAddress(failure)) return { kind: 'fail' };
    return { kind: 'transient' };
  }
  if (!(error instanceof GraphFailure)) return { kind: 'fail' };
  if (error.status === 429) return { kind: 'throttled', retryAfterMs: undefined };
  if (error.status === 503 && error.retryAfter !== undefined) return { kind: 'throttled', retryAfterMs: undefined };
  if (TRANSIENT_STATUS.has(error.status)) return { kind: 'transient' };
  if (isReplicationFailure(error)) return { kind: 'replication' };
  return { kind: 'fail' };
}

/**
 * Entra's eventual consistency shows up as these answers right after a create
 * (docs/graph-errors-and-consistency.md#codes-met, docs/graph-errors-and-consistency.md#eventual-consistency; terraform-provider-azuread retries the same set).
 */
export function isReplicationFailure(error: GraphFailure): boolean {
  if (error.status === 404 && error.code === 'Request_ResourceNotFound') return true;
  if (error.status === 400 && error.hasCode('NoBackingApplicationObject')) return true;
  // No distinct code exists for these two (docs/graph-errors-and-consistency.md#error-envelope), so the message is matched here only.
  if (error.status === 400 && /Not a valid reference update/i.test(error.message)) return true;
  if (error.status === 403 && /backing application of the service principal/i.test(error.message)) return true;
  if (error.status === 409 && error.hasCode('Error_MsaAppDoesNotExist')) return true;
  return false;
}

function backoffMs(attempt: number, options: RetryOptions): number {
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 32_000;
  const exp = Math.min(cap, base * 2 ** (attempt - 1));
  const random = options.random ?? Math.random;
  // Full jitter on the upper half keeps retries spread without collapsing to zero.
  return Math.round(exp / 2 + random() * (exp / 2));
}

function formatClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/**
 * Run `operation` until it succeeds, the decision says fail, the attempt cap is reached, or the
 * deadline would be passed. Never sleeps past the deadline: a Retry-After beyond it stops the
 * step at once with "throttled until HH:MM".
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const classify = options.classify ?? classifyGraphError;
  const maxAttempts = options.maxAttempts ?? 8;
  const { clock } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = classify(error);
      if (decision.kind === 'fail') throw error;
      if (decision.kind === 'transient' && !options.idempotent) throw error;
      const now = clock.nowMs();
      const requestId = error instanceof GraphFailure ? error.requestId : undefined;
      let delay = backoffMs(attempt, options);
      if (decision.kind === 'throttled') {
        const retryAfter = decision.retryAfterMs ?? (error instanceof GraphFailure ? parseRetryAfter(error.retryAfter, now) : undefined);
        if (retryAfter !== undefined) delay = retryAfter;
        if (now + delay > options.deadlineAt) {
          throw new ServiceError(
            `${options.step}: ${options.object}: throttled by Microsoft Graph until ${formatClock(now + delay)}, past this step's deadline; nothing was retried early.`,
            {
              step: options.step,
              object: options.object,
              requestId,
              code: 'TooManyRequests',
              cause: error,
              suggestion: `Run the same command again after ${formatClock(now + delay)}; it resumes where it stopped.`,
            },
          );
        }
      }
      const outOfTime = now + delay > options.deadlineAt;
      if (attempt >= maxAttempts || outOfTime) {
        throw exhausted(error, decision, attempt, options, requestId);
      }
      options.onRetry?.({ attempt, delayMs: delay, reason: describeDecision(decision, error) });
      await clock.sleep(delay, options.signal);
    }
  }
}

function describeDecision(decision: RetryDecision, error: unknown): string {
  const code = error instanceof GraphFailure ? `${error.status} ${error.code}` : error instanceof Error ? error.message : String(error);
  if (decision.kind === 'replication') return `not replicated yet (${code})`;
  if (decision.kind === 'throttled') return `throttled (${code})`;
  return `transient failure (${code})`;
}

function exhausted(
  error: unknown,
  decision: RetryDecision,
  attempts: number,
  options: RetryOptions,
  requestId: string | undefined,
): ServiceError {
  const reason =
    decision.kind === 'replication'
      ? `still not visible after ${attempts} attempts (directory replication has not completed)`
      : decision.kind === 'throttled'
        ? `still throttled after ${attempts} attempts`
        : `kept failing after ${attempts} attempts (${describeDecision(decision, error)})`;
  return new ServiceError(`${options.step}: ${options.object}: ${reason}.`, {
    step: options.step,
    object: options.object,
    requestId,
    code: error instanceof GraphFailure ? error.code : undefined,
    cause: error,
    suggestion:
      decision.kind === 'replication'
        ? 'Entra replication can take minutes; run the same command again: it finds what was already created and continues.'
        : 'Run the same command again later; it resumes where it stopped.',
  });
}
