import type { SandboxContext } from '../context.ts';
import { GraphRequestError } from '../graph/errors.ts';

/**
 * The `throttleEvery` knob: every Nth Graph request answers 429 with `Retry-After`, and the
 * sandbox remembers, per client (tenant + caller appid + method + path), from when a retry is allowed.
 * A retry that comes sooner is recorded in `ctx.earlyRetries` — the sandbox's stand-in for Dev
 * Proxy's RetryAfterPlugin (docs/reliability.md#throttling-honoured, headline figure 5).
 */
export interface Throttle {
  /** Records an early retry (if any) and decides whether this request is throttled. */
  admit(key: { caller: string | undefined; method: string; path: string }): GraphRequestError | undefined;
}

export function createThrottle(ctx: SandboxContext): Throttle {
  let counter = 0;
  const allowedAt = new Map<string, number>();
  return {
    admit({ caller, method, path }) {
      const now = ctx.clock.nowMs();
      const key = `${ctx.state.tenant.id} ${caller ?? 'anonymous'} ${method} ${path}`;
      const retryAt = allowedAt.get(key);
      if (retryAt !== undefined) {
        if (now < retryAt) ctx.earlyRetries.push({ path, at: now, allowedAt: retryAt });
        else allowedAt.delete(key);
      }
      const every = Math.floor(ctx.knobs.throttleEvery);
      if (every <= 0) return undefined;
      counter += 1;
      if (counter % every !== 0) return undefined;
      const seconds = ctx.knobs.throttleRetryAfterSeconds;
      allowedAt.set(key, now + seconds * 1000);
      // Graph's identity throttling answer (docs/graph-errors-and-consistency.md#throttling): code TooManyRequests + Retry-After seconds.
      return new GraphRequestError(429, 'TooManyRequests', 'Too many requests.', {
        headers: { 'Retry-After': String(seconds) },
      });
    },
  };
}
