import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LocalStateError } from './errors.ts';

/**
 * Secret-safe file writing for `--out` (docs/reliability.md#secret-file-safety, docs/reliability.md#crash-during-file-write): the file
 * is born 0600 in the target's directory via O_EXCL, fsynced, then renamed over the target, so a
 * reader sees the old complete file or the new complete file, never a partial or wider one.
 */

const TEMP_MARKER = '.entra-mail-tmp-';
// O_NOFOLLOW where the platform has it: a planted symlink at the temp name must not be followed.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface WriteFileOptions {
  /** How messages name the file, e.g. `--out` or `the journal` (default `--out`). */
  what?: string;
  /** The file's mode (default 0600); the Exchange script and the sandbox's wrapper use this writer too. */
  mode?: number;
}

/**
 * Writes `content` to `path` atomically with mode 0600. Refuses a symlink or non-file target.
 * Failures are exit 5 (LocalStateError), not usage errors: by the time a file is written the tenant
 * may have changed; the commands check every path before their first request (src/core/output-path.ts).
 */
export async function writeSecretFile(path: string, content: string, options: WriteFileOptions = {}): Promise<void> {
  const target = resolve(path);
  const what = options.what ?? '--out';
  await refuseUnsafeTarget(target, what);
  await removeStaleTempFiles(target);
  const temp = await writeTempFile(target, content, options);
  try {
    // rename(2) replaces the directory entry itself: a symlink swapped in after the check is
    // replaced, not followed, and an existing 0644 file is replaced by the 0600 one.
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw toFileError(error, target, what);
  }
  await syncDirectory(dirname(target));
}

/**
 * Creates the temp file next to the target (same file system, so the rename is atomic), writes and
 * fsyncs it, and returns its path. Exported so a test can crash between this and the rename.
 */
export async function writeTempFile(target: string, content: string, options: WriteFileOptions = {}): Promise<string> {
  const mode = options.mode ?? 0o600;
  const what = options.what ?? '--out';
  const temp = join(dirname(target), `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NOFOLLOW, mode & 0o700);
  } catch (error) {
    throw toFileError(error, target, what);
  }
  try {
    // The open mode is already owner-only minus the umask; fchmod makes it exactly `mode` whatever the umask.
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw toFileError(error, target, what);
  }
  await handle.close();
  return temp;
}

/**
 * Removes temp files an earlier, crashed run left next to `path` (`.<name>.entra-mail-tmp-*`).
 * Returns the names removed. Two runs writing the same `--out` at once are not supported.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const target = resolve(path);
  const prefix = tempPrefix(target);
  let entries: string[];
  try {
    entries = await fs.readdir(dirname(target));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw toFileError(error, target, '--out');
  }
  const stale = entries.filter((name) => name.startsWith(prefix));
  const removed: string[] = [];
  for (const name of stale) {
    // A leftover that cannot be removed (another user's file in a shared directory, a directory
    // planted there) is left alone: temp names are random, so it can never be the one written.
    const gone = await fs.rm(join(dirname(target), name), { force: true }).then(
      () => true,
      () => false,
    );
    if (gone) removed.push(name);
  }
  return removed;
}

function tempPrefix(target: string): string {
  return `.${basename(target)}${TEMP_MARKER}`;
}

async function refuseUnsafeTarget(target: string, what: string): Promise<void> {
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw toFileError(error, target, what);
  }
  if (stat.isSymbolicLink()) {
    throw new LocalStateError(`${what} ${target} is a symbolic link; refusing to write through it`, {
      object: target,
      code: 'ELOOP',
      suggestion: 'pass the real path of the file, or a new file name',
    });
  }
  if (!stat.isFile()) throw new LocalStateError(`${what} ${target} exists and is not a regular file`, { object: target, code: 'EISDIR' });
}

/** fsync the directory so the rename itself survives a power loss; not possible on every platform. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** File-system failures name the path and the errno code only: never the content. */
function toFileError(error: unknown, target: string, what: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error as Error;
  return new LocalStateError(`cannot write ${what} ${target}: ${code}`, { object: target, code, cause: error });
}
