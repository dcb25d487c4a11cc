import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { writeSecretFile } from '../../core/write-secret-file.ts';
import { fileSinkId, sha256 } from '../delivery-record.ts';
import type { SinkRecord } from '../journal.ts';
import type { DeliveredConfig, Sink } from '../types.ts';

/** Where versions before per-sink delivery records kept the previous content; removed when seen. */
const OLD_BACKUP_SUFFIX = '.entra-mail-previous';

/**
 * `--out FILE` (and a certificate's PEM file): written 0600 through a temp file and a rename,
 * symlinks refused (src/core/write-secret-file.ts). The previous content stays in memory only, so
 * a failed verification can put it back byte for byte (docs/reliability.md#failed-verification) without a second copy of
 * the secret on disk; after a crash the journal's digest tells which of the two the file holds
 * (docs/credential-lifecycle.md). `content` builds the new text from the config and the file's
 * current text (src/rotation/config-file.ts keeps its format).
 */
export function fileSink(path: string, content: (config: DeliveredConfig, previous: string | undefined) => string): Sink {
  const target = resolve(path);
  let previous: { text: string | undefined } | undefined;
  return {
    id: fileSinkId(target),
    describe: () => `file ${target}`,
    async deliver(config, beforeWrite) {
      const current = await readIfExists(target);
      const text = content(config, current);
      await beforeWrite({ sha256: sha256(text) });
      previous = { text: current };
      await writeSecretFile(target, text);
      await fs.rm(`${target}${OLD_BACKUP_SUFFIX}`, { force: true });
    },
    async rollback() {
      if (!previous) return;
      if (previous.text !== undefined) await writeSecretFile(target, previous.text);
      else await fs.rm(target, { force: true });
      previous = undefined;
    },
    async commit() {
      previous = undefined;
    },
    async holds(record: SinkRecord) {
      if (!record.sha256) return undefined;
      const text = await readIfExists(target).catch(() => undefined);
      return text !== undefined && sha256(text) === record.sha256;
    },
  };
}

/** The file's text, or undefined when there is none; a symlink or directory is refused when written. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    const stat = await fs.lstat(path);
    if (!stat.isFile()) return undefined;
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
