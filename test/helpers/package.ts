import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUNDLE_IS_FRESH } from '../../scripts/lib/entry.ts';

const run = promisify(execFile);

/** The package as a user gets it: the tarball `npm pack` makes (prepack builds it), installed with `npm install -g` into a clean prefix. */
export interface InstalledPackage {
  /** Holds the tarball and the prefix; the caller removes it. */
  work: string;
  /** The installed package's directory (prefix/lib/node_modules/entra-mail). */
  packageDir: string;
  /** Its bin script, to run with this Node (the prefix's `bin/entra-mail` link resolves `node` from PATH). */
  bin: string;
  /** The prefix's `bin/` directory, for PATH. */
  binDir: string;
}

export async function packAndInstall(root: string): Promise<InstalledPackage> {
  const work = await mkdtemp(join(tmpdir(), 'entra-mail-package-'));
  const options = { cwd: root, maxBuffer: 64 * 1024 * 1024 };
  // prepack rebuilds dist/ (rm, then build), under the feet of other test files running the bundle;
  // when dist/ is already newer than every build input the rebuild would make the same files.
  const scripts = BUNDLE_IS_FRESH ? ['--ignore-scripts'] : [];
  await run('npm', ['pack', '--silent', ...scripts, '--pack-destination', work], options);
  const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  const prefix = join(work, 'prefix');
  await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tarball)], { ...options, cwd: work });
  const packageDir = join(prefix, 'lib', 'node_modules', 'entra-mail');
  return { work, packageDir, bin: join(packageDir, 'bin', 'entra-mail.js'), binDir: join(prefix, 'bin') };
}
