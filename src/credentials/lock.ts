import { mkdir, readFile, rmdir, stat, writeFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '../core/errors.ts';

/** How long a second run waits for the app's lock before giving up with exit 5. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
/** proper-lockfile refreshes the lock's mtime; one not refreshed for this long belongs to a dead run. */
const STALE_MS = 10_000;
const POLL_MS = 200;

/** Who holds a lock: written next to it once it is taken, read by a run that has to wait. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** The lock directory's inode when the holder took it: tells this holder file from an older one. */
  ino: number;
}

export interface AppLock {
  /** The lock was held by another run when this one first asked. */
  waited: boolean;
  release(): Promise<void>;
  /** Throws when the lock was lost while held (removed by someone else): nothing more may be written. */
  assertHeld(): void;
}

/** Starts loading the lock library ahead of `lockApp`, e.g. while a sign-in waits for its token. */
export function preloadLock(): Promise<unknown> {
  return import('proper-lockfile');
}

/**
 * Takes the lock for one app (tenant + uniqueName) around its journal and sinks: `path` is the
 * journal's path plus `.lock`, a directory made atomically by proper-lockfile
 * (https://github.com/moxystudio/node-proper-lockfile), whose mtime the holder refreshes. A holder
 * killed without cleanup stops refreshing and its lock goes stale; faster, a holder file naming a
 * process on this host that no longer exists frees the lock at once. Waits up to `waitMs`, then
 * throws a ConflictError (exit 5) naming the holder.
 */
export async function lockApp(path: string, options: { command: string; waitMs?: number; nowIso: () => string }): Promise<AppLock> {
  const lockfile = (await import('proper-lockfile')).default;
  const lockDir = `${path}.lock`;
  const holderFile = `${lockDir}.holder.json`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  let compromised: Error | undefined;
  let waited = false;
  for (;;) {
    try {
      const release = await lockfile.lock(path, {
        lockfilePath: lockDir,
        realpath: false,
        stale: STALE_MS,
        retries: 0,
        onCompromised: (error) => {
          compromised = error;
        },
      });
      const { ino } = await stat(lockDir);
      const holder: LockHolder = { pid: process.pid, host: hostname(), command: options.command, since: options.nowIso(), ino };
      await writeFile(holderFile, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
      return {
        waited,
        assertHeld() {
          if (compromised) throw lostLock(lockDir);
        },
        async release() {
          await rm(holderFile, { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      waited = true;
    }
    const holder = await readHolder(holderFile);
    if (holder && (await isDeadHolder(holder, lockDir))) {
      await rmdir(lockDir).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw heldBy(lockDir, holder);
    await delay(POLL_MS);
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.ino !== 'number') return undefined;
    return parsed as LockHolder;
  } catch {
    return undefined;
  }
}

/** A holder on this host whose process is gone, and whose file describes the lock directory there now. */
async function isDeadHolder(holder: LockHolder, lockDir: string): Promise<boolean> {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  const current = await stat(lockDir).catch(() => undefined);
  if (!current || current.ino !== holder.ino) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function heldBy(lockDir: string, holder: LockHolder | undefined): ConflictError {
  const who = holder
    ? `entra-mail ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
    : 'another entra-mail run';
  return new ConflictError(`Another run is working on this app: the lock ${lockDir} is held by ${who}.`, {
    step: 'lock',
    object: lockDir,
    suggestion: 'Wait for that run to finish, then run this command again. A lock whose run died is freed by itself within a few seconds.',
  });
}

function lostLock(lockDir: string): ConflictError {
  return new ConflictError(`The lock ${lockDir} was removed while this run held it; stopping before writing anything more.`, {
    step: 'lock',
    object: lockDir,
    suggestion: 'Check that no other tool removes entra-mail lock directories, then run the command again.',
  });
}
