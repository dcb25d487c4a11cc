import { constants, promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.ts';
import { requireText } from './validate.ts';

/**
 * A file the run will write (`--out`, `--script-out`, `--certificate-out`), checked before the
 * first request: a run that mints a secret and only then finds it cannot write it has lost the
 * secret or must revoke it again. Checked: the directory exists and this user can create files in
 * it; the path, if it exists, is a regular file — not a directory, device, pipe or symbolic link —
 * and can be replaced (in a sticky directory such as /tmp only its owner or the directory's owner
 * may replace it). `directoryOnly` checks just the directory, for a name not known yet
 * (`--out '{uniqueName}.env'` with `rotate --all`). Writing itself still goes through an exclusive temp file and a rename, so a
 * change between this check and the write is caught there too (src/outputs/write-secret-file.ts).
 */
export async function checkOutputPath(path: string, flag: string, options: { directoryOnly?: boolean } = {}): Promise<string> {
  const target = resolve(requireText(path, flag));
  const dir = dirname(target);
  const dirStat = await fs.stat(dir).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `${flag}: the directory ${dir} ${error.code === 'ENOENT' ? 'does not exist' : `cannot be used (${error.code})`}.`,
      {
        flag,
        suggestion: `create it first (mkdir -p ${dir}) or choose another path`,
      },
    );
  });
  if (!dirStat.isDirectory()) throw new UsageError(`${flag}: ${dir} is not a directory.`, { flag });
  await fs.access(dir, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${flag}: this user cannot create files in ${dir} (${error.code}).`, {
      flag,
      suggestion: 'choose a directory you can write to',
    });
  });
  if (options.directoryOnly) return target;
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return target;
    throw new UsageError(`${flag}: cannot use ${target} (${(error as NodeJS.ErrnoException).code}).`, { flag });
  }
  if (stat.isSymbolicLink()) {
    throw new UsageError(`${flag}: ${target} is a symbolic link; a secret is never written through one.`, {
      flag,
      suggestion: 'pass the real path of the file, or a new file name',
    });
  }
  if (stat.isDirectory()) throw new UsageError(`${flag}: ${target} is a directory; name a file.`, { flag });
  if (!stat.isFile()) throw new UsageError(`${flag}: ${target} is not a regular file (a device, pipe or socket); name a file.`, { flag });
  const uid = process.getuid?.();
  const sticky = (dirStat.mode & 0o1000) !== 0; // S_ISVTX
  if (sticky && uid !== undefined && uid !== 0 && stat.uid !== uid && dirStat.uid !== uid) {
    throw new UsageError(`${flag}: ${target} belongs to another user (uid ${stat.uid}) in a shared directory; it cannot be replaced.`, {
      flag,
      suggestion: 'choose a file name of your own',
    });
  }
  return target;
}
