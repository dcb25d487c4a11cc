import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeSecretFile } from '../core/write-secret-file.ts';

/**
 * The durable record of which credentials this tool minted and which it delivered
 * (docs/reliability.md#ambiguous-addpassword, docs/reliability.md#kill-after-secret-minted, docs/reliability.md#failed-verification). It holds key ids and markers, never a secret. A key id
 * that is "minting" or "minted" but never "delivered" belongs to a run that died in between:
 * nobody holds that secret, and the next run removes it.
 */
export interface JournalEntry {
  marker: string;
  keyId?: string;
  /**
   * `minted`: on the app, held by no sink (none written yet, or all put back). `delivering`: some
   * sink record is `pending` or `written`; a resumed run asks those sinks whether they hold it
   * (src/credentials/delivery-record.ts), so a finished delivery is never mistaken for an
   * undelivered secret and revoked. `delivered`: held (confirmed, or found in a sink).
   */
  status: 'minting' | 'minted' | 'delivering' | 'delivered' | 'removed';
  at: string;
  /** One record per sink the credential went to (docs/credential-lifecycle.md). */
  sinks?: SinkRecord[];
  /** Superseded by a newer confirmed credential: removed by the first run after this time (the grace period). */
  retireAfter?: string;
  /** Journals written before per-sink records: the one file it went to. */
  sink?: { path: string; sha256: string };
}

export type SinkState = 'pending' | 'written' | 'confirmed' | 'rolled-back';

/** Where a credential went and how far: never the value. */
export interface SinkRecord {
  /** `file:<absolute path>`, `keyvault:<vault url>#<secret name>` or `command:<program>`. */
  id: string;
  state: SinkState;
  /** File sinks: SHA-256 of the exact content written. */
  sha256?: string;
}

export interface Journal {
  version: 1;
  tenantId: string;
  uniqueName: string;
  appId?: string;
  credentials: JournalEntry[];
}

/** `$ENTRA_MAIL_STATE_DIR`, else `$XDG_STATE_HOME/entra-mail`, else `~/.local/state/entra-mail`. */
export function stateDirectory(env: NodeJS.ProcessEnv): string {
  if (env.ENTRA_MAIL_STATE_DIR) return env.ENTRA_MAIL_STATE_DIR;
  const base = env.XDG_STATE_HOME ?? join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'entra-mail');
}

export function journalPath(env: NodeJS.ProcessEnv, tenantId: string, uniqueName: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(stateDirectory(env), safe(tenantId), `${safe(uniqueName)}.journal.json`);
}

export async function readJournal(path: string): Promise<Journal | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Journal;
    if (parsed?.version !== 1 || !Array.isArray(parsed.credentials)) return undefined;
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export async function writeJournal(path: string, journal: Journal): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeSecretFile(path, `${JSON.stringify(journal, null, 2)}\n`);
}

/** A copy with the entry for `marker` replaced or appended. */
export function recordCredential(journal: Journal, entry: JournalEntry): Journal {
  const others = journal.credentials.filter((c) => c.marker !== entry.marker);
  return { ...journal, credentials: [...others, entry] };
}

/** Entries whose secret nobody holds: minted (or maybe minted) and never delivered. */
export function undeliveredCredentials(journal: Journal | undefined): JournalEntry[] {
  return (journal?.credentials ?? []).filter((c) => c.status === 'minting' || c.status === 'minted' || c.status === 'delivering');
}

export function deliveredKeyIds(journal: Journal | undefined): string[] {
  return (journal?.credentials ?? []).filter((c) => c.status === 'delivered' && c.keyId).map((c) => c.keyId as string);
}
