import type { Journal } from './journal.ts';

/**
 * Orders an app's credentials newest first: latest expiry, then (the same expiry) the one the
 * journal recorded later, i.e. minted later. Two secrets minted within a second of each other with
 * the same lifetime can carry the same `endDateTime` (Graph documents the property as an ISO 8601
 * date and time, not its precision: docs/credential-lifecycle.md#which-secret-is-newest), so the
 * expiry alone would pick by the app's list order, which says nothing about which one the sinks hold.
 */
export function newestFirst(
  journal: Journal | undefined,
): (a: { keyId: string; endDateTime: string }, b: { keyId: string; endDateTime: string }) => number {
  const order = new Map((journal?.credentials ?? []).map((entry, index) => [entry.keyId, index]));
  const minted = (keyId: string) => order.get(keyId) ?? -1;
  return (a, b) => Date.parse(b.endDateTime) - Date.parse(a.endDateTime) || minted(b.keyId) - minted(a.keyId);
}
