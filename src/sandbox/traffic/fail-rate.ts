import type { RouteKind, SandboxContext, SandboxRequest, SandboxResponse } from '../context.ts';
import { renderGraphError } from '../graph/errors.ts';
import { renderAadstsError } from '../token/aadsts.ts';

/** When a random failure strikes: before the request is handled, or after (the write was made). */
export type RandomFailure = 'before' | 'after';

/**
 * The `failRate` knob: a share of Graph and token requests fail as the services fail on a bad
 * day. Reads and token requests fail before anything happens; a write fails before it is made or,
 * as often, after (an ambiguous write: the change exists but the client saw a 504).
 */
export function drawRandomFailure(
  ctx: SandboxContext,
  kind: RouteKind | 'unmatched',
  method: string,
  random: () => number = Math.random,
): RandomFailure | undefined {
  if (ctx.knobs.failRate <= 0 || (kind !== 'graph' && kind !== 'token')) return undefined;
  if (random() >= ctx.knobs.failRate) return undefined;
  if (kind === 'token' || method === 'GET') return 'before';
  return random() < 0.5 ? 'before' : 'after';
}

/**
 * The answer of a random failure. Graph: 503 serviceNotAvailable before, 504 UnknownError after
 * (docs/sandbox-fidelity.md#failures). Token endpoint: 503 `temporarily_unavailable`, which MSAL
 * retries once (https://learn.microsoft.com/entra/msal/dotnet/advanced/exceptions/retry-policy).
 */
export function renderRandomFailure(
  ctx: SandboxContext,
  req: SandboxRequest,
  kind: RouteKind | 'unmatched',
  when: RandomFailure,
): SandboxResponse {
  const now = ctx.clock.now();
  if (kind === 'token') {
    return renderAadstsError(
      req,
      { status: 503, error: 'temporarily_unavailable', code: 90033, description: 'A transient error has occurred. Please try again.' },
      now,
      ctx.origin,
    );
  }
  if (when === 'after') return renderGraphError(req, { status: 504, code: 'UnknownError', message: 'The operation timed out.' }, now);
  return renderGraphError(req, { status: 503, code: 'serviceNotAvailable', message: 'Service unavailable.' }, now);
}
