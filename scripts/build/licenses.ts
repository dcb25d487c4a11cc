import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `node_modules/@scope/name/…` or `node_modules/name/…` (the innermost node_modules) → the package's directory. */
function packageDirOf(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

/**
 * The license of every package whose code is in the bundle (the inputs esbuild reports, plus the
 * WebAssembly files copied beside it), one section each: name, version, license and its LICENSE
 * text, so the package carries the notices the bundled code's licenses ask for.
 */
export async function collectLicenses(root: string, inputs: string[], extraPackages: string[]): Promise<string> {
  const dirs = new Set<string>(extraPackages.map((name) => `node_modules/${name}`));
  for (const input of inputs) {
    // Plugin namespaces prefix some inputs (`deferred:/abs/path`); absolute paths are made relative to root.
    const dir = packageDirOf(input.replace(/^[a-z-]+:/, '').replace(root.endsWith('/') ? root : `${root}/`, ''));
    if (dir) dirs.add(dir);
  }
  const sections: string[] = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const files = (await readdir(join(root, dir))).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort();
    const texts = await Promise.all(files.map((f) => readFile(join(root, dir, f), 'utf8')));
    const body =
      texts.length > 0 ? texts.join('\n').trim() : `(no license file in the package; package.json says ${pkg.license ?? 'nothing'})`;
    sections.push(`${pkg.name}@${pkg.version} — ${pkg.license ?? 'see below'}\n\n${body}\n`);
  }
  return `Third-party software bundled in entra-mail's dist/\n\n${sections.join(`\n${'-'.repeat(78)}\n\n`)}`;
}
