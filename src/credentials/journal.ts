import { lstat, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalStateError, UsageError } from '../core/errors.ts';
import { describeDirectoryProblem, ensurePrivateDirectory } from '../core/private-directory.ts';
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
  return join(stateDirectory(env), safeName(tenantId), journalFileName(uniqueName));
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
const journalFileName = (uniqueName: string) => `${safeName(uniqueName)}.journal.json`;

/** The journal format this version reads and writes; a newer one is refused, never overwritten. */
export const JOURNAL_VERSION = 1;
const STATUSES = new Set(['minting', 'minted', 'delivering', 'delivered', 'removed']);

/**
 * A reader of one tenant's journals for commands that look at every managed app (`status`,
 * `rotate --all`): the tenant's directory is listed once, and only journals that exist are read,
 * instead of one failed lookup per app without one.
 */
export async function tenantJournals(
  env: NodeJS.ProcessEnv,
  tenantId: string,
): Promise<(uniqueName: string) => Promise<Journal | undefined>> {
  const directory = dirname(journalPath(env, tenantId, 'x'));
  const names = new Set(await readdir(directory).catch(() => [] as string[]));
  // Only the file name is made per app: joining and normalising a path for each of 1,000 apps cost more than the rest of the lookup.
  return async (uniqueName) => {
    const name = journalFileName(uniqueName);
    return names.has(name) ? readJournal(join(directory, name)) : undefined;
  };
}

/**
 * Reads a journal; undefined when there is none yet. Anything else that is not a journal of this
 * version — empty, truncated, binary, a directory, a symbolic link, another user's file, a newer
 * format — stops the run with exit 5 naming the path and what to do: guessing could revoke a
 * secret a product holds, and writing over it would lose what a newer version recorded.
 */
export async function readJournal(path: string): Promise<Journal | undefined> {
  let text: string;
  try {
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) throw damagedJournal(path, 'it is a symbolic link');
    if (stat.isDirectory()) throw damagedJournal(path, 'it is a directory');
    if (!stat.isFile()) throw damagedJournal(path, 'it is not a regular file');
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) throw damagedJournal(path, `it belongs to another user (uid ${stat.uid})`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof LocalStateError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw damagedJournal(path, `it cannot be read (${code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damagedJournal(path, text.trim() === '' ? 'it is empty' : 'it is not JSON: truncated, or overwritten with something else');
  }
  const journal = parsed as Partial<Journal> | null;
  if (typeof journal?.version === 'number' && journal.version > JOURNAL_VERSION) {
    throw new LocalStateError(
      `The journal ${path} was written by a newer entra-mail (format ${journal.version}; this one reads ${JOURNAL_VERSION}); it was left as it is.`,
      {
        step: 'journal',
        object: path,
        suggestion: 'Run the newer entra-mail that wrote it (npm install -g entra-mail@latest).',
      },
    );
  }
  if (!isJournal(journal)) throw damagedJournal(path, 'it is JSON, but not a journal of this tool');
  return journal;
}

function isJournal(value: Partial<Journal> | null): value is Journal {
  return (
    value?.version === JOURNAL_VERSION &&
    typeof value.tenantId === 'string' &&
    typeof value.uniqueName === 'string' &&
    Array.isArray(value.credentials) &&
    value.credentials.every((c) => typeof c?.marker === 'string' && STATUSES.has(c.status) && typeof c.at === 'string')
  );
}

function damagedJournal(path: string, why: string): LocalStateError {
  return new LocalStateError(
    `The journal ${path} cannot be used: ${why}. It records which credentials entra-mail minted for this app and whether they reached their config, so the run stopped instead of guessing.`,
    {
      step: 'journal',
      object: path,
      suggestion: `Move it aside and run again: mv '${path}' '${path}.damaged'. Without a journal nothing is taken for undelivered, so no secret a product holds is revoked.`,
    },
  );
}

/**
 * Creates the directory for a journal, 0700, and refuses one another user owns or others can
 * write: whoever can write there can plant a journal that makes the next run revoke a secret in use.
 */
export async function writeJournal(path: string, journal: Journal): Promise<void> {
  await requirePrivateDirectory(
    dirname(path),
    (message, suggestion) => new LocalStateError(message, { step: 'journal', object: dirname(path), suggestion }),
  );
  await writeSecretFile(path, `${JSON.stringify(journal, null, 2)}\n`, { what: 'the journal' });
}

/**
 * The state directory, checked before the first request: created 0700 if missing; refused (exit 2,
 * nothing sent) when it is not a directory, another user owns it or others can write to it.
 */
export async function checkStateDirectory(env: NodeJS.ProcessEnv): Promise<void> {
  const flag = env.ENTRA_MAIL_STATE_DIR ? 'ENTRA_MAIL_STATE_DIR' : 'the state directory';
  await requirePrivateDirectory(stateDirectory(env), (message, suggestion) => new UsageError(`${flag}: ${message}`, { flag, suggestion }));
}

async function requirePrivateDirectory(dir: string, fail: (message: string, suggestion: string) => Error): Promise<void> {
  const problem = await ensurePrivateDirectory(dir);
  if (!problem) return;
  const { message, suggestion } = describeDirectoryProblem(dir, problem);
  throw fail(`${message}; entra-mail keeps its journal of minted credentials there.`, suggestion);
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
