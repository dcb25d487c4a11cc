import { execFile } from 'node:child_process';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The package as a user gets it: `npm pack` of the checkout, then `npm install -g` of that tarball into a clean prefix. */
export interface InstalledPackage {
  prefix: string;
  /** The installed `entra-mail` executable. */
  bin: string;
  tarballBytes: number;
  /** Packages in the installed tree, entra-mail itself included. */
  packages: number;
  /** Bytes of the installed tree: file sizes (as `du --apparent-size -b`), and blocks on disk (as `du`). */
  installBytes: number;
  diskBytes: number;
}

export async function packAndInstall(root: string): Promise<InstalledPackage> {
  const work = await mkdtemp(join(tmpdir(), 'entra-mail-pack-'));
  const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const packed = JSON.parse(stdout) as { filename: string; size: number }[];
  const tarball = join(work, (packed[0] as { filename: string }).filename);
  const prefix = join(work, 'prefix');
  await run(npm, ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
  const tree = join(prefix, 'lib', 'node_modules', 'entra-mail');
  const { packages, bytes, disk } = await measureTree(tree);
  return {
    prefix,
    bin: join(prefix, 'bin', 'entra-mail'),
    tarballBytes: (await stat(tarball)).size,
    packages,
    installBytes: bytes,
    diskBytes: disk,
  };
}

/** Counts the packages (directories with a package.json directly under a node_modules, plus the root) and sums file sizes. */
async function measureTree(root: string): Promise<{ packages: number; bytes: number; disk: number }> {
  let packages = 1;
  let bytes = 0;
  let disk = 0;
  const walk = async (dir: string, parentIsNodeModules: boolean): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const scope = parentIsNodeModules && entry.name.startsWith('@');
        if (parentIsNodeModules && !scope && !entry.name.startsWith('.')) packages++;
        await walk(path, entry.name === 'node_modules' || scope);
      } else if (entry.isFile()) {
        const info = await stat(path);
        bytes += info.size;
        disk += info.blocks * 512;
      }
    }
  };
  await walk(root, false);
  return { packages, bytes, disk };
}
