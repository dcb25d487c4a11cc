import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TenantState } from './state.ts';

/** Reads `--state FILE`; undefined when it does not exist yet. */
export async function readStateFile(path: string): Promise<TenantState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as TenantState;
  if (state.version !== 1) throw new Error(`sandbox state file ${path} has unsupported version ${String(state.version)}`);
  return state;
}

/**
 * Writes the state atomically: a 0600 temp file created with O_EXCL next to the target, fsync,
 * then rename — a crash leaves the old or the new file, never a partial one.
 * The file holds no secret text (only SHA-256 hashes), but 0600 costs nothing.
 */
export async function writeStateFile(path: string, state: TenantState): Promise<void> {
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
