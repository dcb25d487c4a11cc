import { constants, promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A directory only this user may change: the state directory (which credentials were minted and
 * delivered) and the sandbox directory (its pwsh wrapper is executed). Created 0700 whatever the
 * umask; an existing one that another user owns, or that group or others can write, is refused —
 * whoever can write there can plant a journal that makes the next run revoke a secret in use, or
 * replace the wrapper that runs as this user.
 */
export type DirectoryProblem =
  | { kind: 'not-directory' }
  | { kind: 'foreign-owner'; uid: number }
  | { kind: 'writable-by-others'; mode: number }
  | { kind: 'unusable'; code: string };

export async function ensurePrivateDirectory(dir: string): Promise<DirectoryProblem | undefined> {
  try {
    const first = await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered through the umask; each directory this call created gets exactly 0700.
    if (first !== undefined) for (let d = dir; d.length >= first.length; d = dirname(d)) await fs.chmod(d, 0o700);
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) return { kind: 'not-directory' };
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) return { kind: 'foreign-owner', uid: stat.uid };
    if ((stat.mode & 0o022) !== 0) return { kind: 'writable-by-others', mode: stat.mode & 0o7777 };
    await fs.access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return code === 'EEXIST' || code === 'ENOTDIR' ? { kind: 'not-directory' } : { kind: 'unusable', code };
  }
}

export function describeDirectoryProblem(dir: string, problem: DirectoryProblem): { message: string; suggestion: string } {
  switch (problem.kind) {
    case 'not-directory':
      return { message: `${dir} is not a directory`, suggestion: `move it aside or choose another directory` };
    case 'foreign-owner':
      return { message: `${dir} belongs to another user (uid ${problem.uid})`, suggestion: 'use a directory of your own' };
    case 'writable-by-others':
      return {
        message: `${dir} can be written by other users (mode ${problem.mode.toString(8).padStart(4, '0')})`,
        suggestion: `chmod 700 ${dir}, or use a directory of your own`,
      };
    case 'unusable':
      return { message: `${dir} cannot be used (${problem.code})`, suggestion: 'check its permissions, or choose another directory' };
  }
}
