/**
 * Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A past date means "now"; a
 * value that is neither is undefined, and the caller falls back to exponential backoff
 * (docs/reliability.md#bad-retry-after).
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
