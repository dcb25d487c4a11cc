import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { writeSecretFile } from '../../core/write-secret-file.ts';
import type { DeliveredConfig, Sink } from '../types.ts';

const BACKUP_SUFFIX = '.entra-mail-previous';

/**
 * `--out FILE` (and a certificate's PEM file): written 0600 through a temp file and a rename,
 * symlinks refused (src/core/write-secret-file.ts). The previous content is first kept as a 0600
 * backup next to it, so a failed verification can put it back byte for byte (docs/reliability.md#failed-verification); the
 * backup is removed once the new credential is confirmed. `pick` chooses what the file holds.
 */
export function fileSink(path: string, pick: (config: DeliveredConfig) => string): Sink {
  const target = resolve(path);
  const backup = `${target}${BACKUP_SUFFIX}`;
  let state: 'idle' | 'replaced' | 'created' = 'idle';
  return {
    describe: () => `file ${target}`,
    async deliver(config) {
      const previous = await readIfExists(target);
      if (previous !== undefined) await writeSecretFile(backup, previous);
      state = previous === undefined ? 'created' : 'replaced';
      await writeSecretFile(target, pick(config));
    },
    async rollback() {
      if (state === 'replaced') {
        const previous = await readIfExists(backup);
        if (previous !== undefined) await writeSecretFile(target, previous);
        await fs.rm(backup, { force: true });
      } else if (state === 'created') {
        await fs.rm(target, { force: true });
      }
      state = 'idle';
    },
    async commit() {
      await fs.rm(backup, { force: true });
      state = 'idle';
    },
  };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    const stat = await fs.lstat(path);
    if (!stat.isFile()) return undefined;
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
