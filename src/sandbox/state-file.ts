import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { TenantState } from './state.ts';

/**
 * Reads `--state FILE`; undefined when it does not exist yet (its directory must, and be writable:
 * the sandbox saves there after every change). Anything that is not a state file of this version is
 * a usage error naming the flag, before the sandbox starts: never a crash, never a hang.
 */
export async function readStateFile(path: string): Promise<{ home: TenantState; others: TenantState[] } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw stateError(path, code === 'EISDIR' ? 'it is a directory' : `it cannot be read (${code})`);
    const writable = await access(dirname(path), constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!writable) throw stateError(path, `its directory ${dirname(path)} does not exist or cannot be written`);
    return undefined;
  }
  let state: StoredState;
  try {
    state = JSON.parse(text) as StoredState;
  } catch {
    throw stateError(path, text.trim() === '' ? 'it is empty' : 'it is not JSON (truncated, or not a state file)');
  }
  if (typeof state?.version === 'number' && state.version > 1)
    throw stateError(path, `it was written by a newer entra-mail (format ${state.version})`);
  if (state?.version !== 1 || typeof state.tenant?.id !== 'string') throw stateError(path, 'it is not a sandbox state file');
  const { otherTenants, ...home } = state;
  const others = Array.isArray(otherTenants) ? otherTenants : [];
  if (others.some((t) => t?.version !== 1 || typeof t.tenant?.id !== 'string')) throw stateError(path, 'it is not a sandbox state file');
  return { home, others };
}

/**
 * The file is the home tenant's state, as a sandbox of one tenant has always written it; the
 * customer tenants a sandbox of several has built so far follow in `otherTenants`.
 */
type StoredState = TenantState & { otherTenants?: TenantState[] };

function stateError(path: string, why: string): UsageError {
  return new UsageError(`--state: ${path} cannot be used: ${why}.`, {
    flag: '--state',
    suggestion: 'Name a new file in a directory you can write (the sandbox creates it), or move the old one aside.',
  });
}

/**
 * Writes the state atomically: a 0600 temp file created with O_EXCL next to the target, fsync,
 * then rename — a crash leaves the old or the new file, never a partial one.
 * Secrets are kept as SHA-256 hashes, but the Key Vault's secret values are in it as given: 0600.
 */
export async function writeStateFile(path: string, tenants: TenantState[]): Promise<void> {
  const [home, ...others] = tenants;
  if (!home) throw new Error('no tenant to save');
  const state: StoredState = others.length > 0 ? { ...home, otherTenants: others } : home;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
