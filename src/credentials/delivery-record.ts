import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Journal, JournalEntry, SinkRecord, SinkState } from './journal.ts';

/**
 * The delivery record of one credential, one `SinkRecord` per sink (docs/credential-lifecycle.md):
 * `pending` is journalled before the sink is touched, `written` after the write returned,
 * `confirmed` once the credential passed its token check, `rolled-back` once the sink's previous
 * value is back. A resumed run asks each record whether its sink still holds the credential.
 */

/** Hex SHA-256 of what a file sink writes: lets a later run recognise it (a one-way digest, never the secret). */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A copy of the journal with `marker`'s record for sink `record.id` replaced or appended. */
export function recordSink(journal: Journal, marker: string, record: SinkRecord, at: string): Journal {
  return mapEntry(journal, marker, (entry) => {
    const sinks = [...sinksOf(entry).filter((s) => s.id !== record.id), record];
    const status = entry.status === 'minted' || entry.status === 'delivering' ? 'delivering' : entry.status;
    return { ...entry, status, at, sinks };
  });
}

/** Every record of `marker` (or only `ids`) set to `state`; `delivered` when all are confirmed. */
export function setSinkStates(journal: Journal, marker: string, state: SinkState, at: string, ids?: string[]): Journal {
  return mapEntry(journal, marker, (entry) => {
    const sinks = sinksOf(entry).map((s) => (ids === undefined || ids.includes(s.id) ? { ...s, state } : s));
    const status =
      sinks.length > 0 && sinks.every((s) => s.state === 'confirmed')
        ? 'delivered'
        : sinks.every((s) => s.state === 'rolled-back')
          ? 'minted'
          : entry.status;
    return { ...entry, status, at, sinks };
  });
}

/** The entry's records; a journal from before per-sink records has one file `sink`. */
export function sinksOf(entry: JournalEntry): SinkRecord[] {
  if (entry.sinks) return entry.sinks;
  if (entry.sink)
    return [{ id: fileSinkId(entry.sink.path), state: entry.status === 'delivered' ? 'confirmed' : 'pending', sha256: entry.sink.sha256 }];
  return [];
}

export function fileSinkId(path: string): string {
  return `file:${path}`;
}

/**
 * Does the sink of `record` hold `keyId` now? true / false, or undefined when the tool cannot look
 * (a command; a vault this run has no client for). The caller counts undefined as "holds": a kept
 * credential retires later, a revoked one a consumer holds is an outage.
 */
export type SinkProbe = (record: SinkRecord, keyId: string | undefined) => Promise<boolean | undefined>;

/** Looks at file sinks by their digest; anything else only through `others` (this run's own sinks). */
export function probeSinks(others: SinkProbe = async () => undefined): SinkProbe {
  return async (record, keyId) => {
    if (record.state === 'rolled-back') return false;
    if (record.id.startsWith('file:') && record.sha256) {
      const content = await readFile(record.id.slice('file:'.length), 'utf8').catch(() => undefined);
      return content !== undefined && sha256(content) === record.sha256;
    }
    return others(record, keyId);
  };
}

/**
 * Settles entries a crashed run left behind: an undelivered entry some sink holds (or may hold)
 * becomes `delivered`, so it is kept and superseded like any previous credential; one no sink
 * holds stays undelivered, and the caller removes it as an orphan.
 */
export async function settleDeliveries(journal: Journal | undefined, probe: SinkProbe = probeSinks()): Promise<Journal | undefined> {
  if (!journal) return journal;
  const credentials = await Promise.all(
    journal.credentials.map(async (entry) => {
      if (entry.status !== 'minted' && entry.status !== 'delivering') return entry;
      const sinks = sinksOf(entry);
      if (sinks.length === 0) return entry;
      for (const record of sinks) {
        if ((await probe(record, entry.keyId)) !== false) return { ...entry, status: 'delivered' as const };
      }
      return entry;
    }),
  );
  return { ...journal, credentials };
}

/**
 * Is a credential still held by a sink other than `replaced` (the sinks this run just gave the new
 * credential)? Such a credential is not superseded: revoking it would break that sink.
 */
export async function heldElsewhere(entry: JournalEntry | undefined, replaced: string[], probe: SinkProbe): Promise<boolean> {
  if (!entry) return false;
  for (const record of sinksOf(entry).filter((s) => !replaced.includes(s.id))) {
    if ((await probe(record, entry.keyId)) !== false) return true;
  }
  return false;
}

function mapEntry(journal: Journal, marker: string, change: (entry: JournalEntry) => JournalEntry): Journal {
  return { ...journal, credentials: journal.credentials.map((c) => (c.marker === marker ? change(c) : c)) };
}
