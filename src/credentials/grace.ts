import type { Application } from '../graph/types.ts';
import { heldElsewhere, type SinkProbe } from './delivery-record.ts';
import { recordCredential, type Journal, type JournalEntry } from './journal.ts';
import { newestFirst } from './newest.ts';
import { credentialsOf, isToolCredential, type AppCredential } from './retire.ts';
import type { CredentialKind } from './types.ts';

/**
 * The grace period (docs/credential-lifecycle.md): a credential superseded by a newer confirmed
 * one stays valid this long, for consumers that read their secret at start and keep using it.
 */
export const DEFAULT_GRACE_MS = 7 * 86_400_000;

export function journalEntryOf(journal: Journal, credential: Pick<AppCredential, 'keyId' | 'displayName'>): JournalEntry | undefined {
  return (
    journal.credentials.find((e) => e.keyId === credential.keyId) ??
    journal.credentials.find((e) => !e.keyId && e.marker === credential.displayName)
  );
}

/**
 * After `newKeyId` was delivered to the sinks `replaced` (and confirmed): the older tool-minted
 * credentials of `kind` beyond the `keep` newest are superseded. With no grace they are returned
 * to be removed now; otherwise the journal gets their `retireAfter`, unless it already has one.
 * With a `probe` (provision, which writes only its config file), a credential some other sink
 * still holds (or may hold) is left alone: revoking it would break that sink. Rotate passes none:
 * a rotation replaces the app's credential everywhere, and the grace period is the consumers'
 * time to pick up the new one.
 */
export async function supersede(
  app: Application,
  journal: Journal,
  options: { kind: CredentialKind; newKeyId: string; keep: number; graceMs: number; nowMs: number; replaced: string[]; probe?: SinkProbe },
): Promise<{ journal: Journal; removeNow: AppCredential[]; retiring: AppCredential[] }> {
  const older = credentialsOf(app)
    .filter((c) => c.kind === options.kind && c.keyId !== options.newKeyId && isToolCredential(c))
    .sort(newestFirst(journal))
    .slice(Math.max(0, options.keep));
  let current = journal;
  const removeNow: AppCredential[] = [];
  const retiring: AppCredential[] = [];
  const at = new Date(options.nowMs).toISOString();
  for (const credential of older) {
    const entry = journalEntryOf(current, credential);
    if (Date.parse(credential.endDateTime) <= options.nowMs) {
      removeNow.push(credential);
      continue;
    }
    if (options.probe && (await heldElsewhere(entry, options.replaced, options.probe))) continue;
    if (options.graceMs <= 0) {
      removeNow.push(credential);
      continue;
    }
    retiring.push(credential);
    if (entry?.retireAfter) continue;
    const retireAfter = new Date(options.nowMs + options.graceMs).toISOString();
    current = recordCredential(current, {
      ...(entry ?? { marker: credential.displayName ?? credential.keyId, keyId: credential.keyId, status: 'delivered' as const }),
      at,
      retireAfter,
    });
  }
  return { journal: current, removeNow, retiring };
}

/** Tool-minted credentials whose grace period is over: the next run removes them. */
export function pastGrace(app: Application, journal: Journal, nowMs: number): AppCredential[] {
  return credentialsOf(app).filter((c) => {
    const retireAfter = isToolCredential(c) ? journalEntryOf(journal, c)?.retireAfter : undefined;
    return retireAfter !== undefined && Date.parse(retireAfter) <= nowMs;
  });
}

/** `--grace`: `0`, or a number of days (`7d`) or hours (`12h`), at most 90 days. */
export function parseGrace(text: string): number | undefined {
  const match = /^(\d{1,4})([dh]?)$/.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  if (n !== 0 && match[2] === '') return undefined;
  const ms = n * (match[2] === 'h' ? 3_600_000 : 86_400_000);
  return ms <= 90 * 86_400_000 ? ms : undefined;
}
