/**
 * `npm run build` (and so `npm pack`): bundles the CLI into dist/ with esbuild.
 *
 * - One file for the CLI (dist/main.cjs) and one for the sandbox's pwsh stand-in, each a classic
 *   script (CommonJS): the bin runs the CLI's with a code cache of what each command ran
 *   (bin/run-bundle.js). Code used by only some commands (the sandbox, the Azure SDKs, listr2 …) is
 *   reached through the `import()` already in the sources, and evaluated only then; the largest
 *   packages only some commands load (nodemailer, execa, ajv, x509, smtp-server) are files of their
 *   own in dist/vendor/, required then (VENDORED in scripts/build/plugins.ts).
 * - Dependencies are bundled, so the installed package resolves and compiles a few files instead of
 *   thousands. Whatever stays in package.json "dependencies" is left external (for a package that
 *   cannot be bundled, e.g. one with a native addon); everything else is a devDependency.
 * - The shipped profiles are parsed and validated here, once, and embedded (src/profiles/shipped.ts).
 * - WebAssembly the sandbox needs is copied next to the code that loads it.
 *
 * Type checking is `npm run typecheck`; this only transforms.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { collectLicenses } from './build/licenses.ts';
import {
  builtinsOnFirstUse,
  deferModules,
  formDataCheckByTag,
  importMetaUrlAsBuilt,
  nodeFeatureChecks,
  shippedProfiles,
  VENDORED,
  vendorModules,
  yargsVersionGiven,
} from './build/plugins.ts';
import { assertLoadedOnDemand } from './build/startup-closure.ts';

const root = new URL('..', import.meta.url);
const dist = new URL('dist/', root);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as {
  dependencies?: Record<string, string>;
  engines: { node: string };
};
// `>=22.19` in package.json; bin/check-node.js refuses anything older before the bundle loads.
const nodeFloor = `${pkg.engines.node.replace(/^>=\s*/, '')}.0.0`.split('.').slice(0, 3).join('.');

await rm(dist, { recursive: true, force: true });
/** What the CLI's files and the vendored packages' files are built with alike. */
const shared = {
  absWorkingDir: root.pathname,
  outdir: 'dist',
  bundle: true,
  // One file per entry: resolving, loading and linking ~60 chunks cost more than the code they held
  // (docs/performance.md#start-up); what a command imports with import() is still evaluated only then.
  splitting: false,
  // A classic script, not an ES module: the bin runs it as a vm.Script, whose code cache can hold
  // what a run compiled (bin/run-bundle.js).
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  platform: 'node',
  target: 'node22',
  // A package's ES module build where it has one: `await import('pkg')` of a CommonJS build would
  // give the bundle only a default export where Node gives named ones (checked below).
  mainFields: ['module', 'main'],
  minifySyntax: process.env.ENTRA_MAIL_BUILD_MIN !== '0',
  minifyWhitespace: process.env.ENTRA_MAIL_BUILD_MIN !== '0',
  // Every bundled package's license goes to dist/THIRD-PARTY-LICENSES.txt instead (scripts/build/licenses.ts).
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
} satisfies BuildOptions;
const result = await build({
  ...shared,
  entryPoints: [
    { in: 'src/main.ts', out: 'main' },
    { in: 'src/sandbox/pwsh/main.ts', out: 'pwsh-stand-in' },
  ],
  // Each module's import.meta.url is the bundle's file URL.
  define: { 'import.meta.url': '__entraMailUrl' },
  external: Object.keys(pkg.dependencies ?? {}),
  banner: { js: "const __entraMailUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    importMetaUrlAsBuilt(new URL('src/', root)),
    shippedProfiles(new URL('src/profiles/shipped.ts', root)),
    deferModules(),
    nodeFeatureChecks(nodeFloor),
    formDataCheckByTag(),
    yargsVersionGiven(),
    vendorModules(),
    builtinsOnFirstUse(),
  ],
});

// The packages only some commands load, each a file of its own that the bundle requires when it is used
// (VENDORED in scripts/build/plugins.ts), built the same way but without the CLI's plugins.
const vendors = await build({
  ...shared,
  entryPoints: Object.entries(VENDORED).map(([specifier, file]) => ({
    in: fileURLToPath(import.meta.resolve(specifier)),
    out: `vendor/${file.replace(/\.cjs$/, '')}`,
  })),
  plugins: [builtinsOnFirstUse()],
});

assertLoadedOnDemand(result.metafile, 'src/main.ts');

// `import('pkg')` of a CommonJS module gets only a default export from esbuild where Node also gives
// named ones: such an import must read `.default` only.
for (const [importer, input] of Object.entries(result.metafile.inputs)) {
  for (const record of input.imports) {
    // A vendored package (dist/vendor/) is esbuild's CommonJS with its named exports marked, which the bundle hands on.
    if (record.path.startsWith('vendored:')) continue;
    if (record.kind !== 'dynamic-import' || result.metafile.inputs[record.path]?.format !== 'cjs') continue;
    const source = await readFile(new URL(importer, root), 'utf8');
    const specifier = (record.original ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (!new RegExp(`\\(await import\\((['"])${specifier}\\1\\)\\)\\.default\\b`).test(source)) {
      throw new Error(`${importer} loads CommonJS ${record.path} with import(): read only its .default, the one export a bundle has`);
    }
  }
}

// Only ASCII in the files Node reads as UTF-8 on every start: one character above U+00FF (esbuild leaves those in
// regular expression literals, e.g. powershell-utils' quote class) makes V8 keep the whole 3 MB source as a two-byte
// string, decoded on the slow path: ~12 ms and 3 MB more per run instead of ~2 ms (docs/performance.md#start-up).
// A \u escape means the same character in a string, a template and a regular expression literal.
// The bundle's text as shipped, for the checks below and its hash.
let mainText = '';
for (const file of ['main.cjs', 'pwsh-stand-in.cjs', ...Object.values(VENDORED).map((name) => `vendor/${name}`)]) {
  const url = new URL(file, dist);
  const text = await readFile(url, 'utf8');
  const ascii = text.replace(/[^ -~\t\n\r]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) await writeFile(url, ascii);
  if (file === 'main.cjs') mainText = ascii;
}

// An import() the bundle keeps (esbuild leaves those of built-ins and of packages it does not bundle) runs through
// the vm.Script's dynamic-import hook (bin/run-bundle.js), which Node marks experimental: it prints a warning on
// stderr. Built-ins come from process.getBuiltinModule instead; the one left is an optional package a dependency
// tries for Negotiate proxy authentication, which is not shipped and fails either way.
const OPTIONAL_IMPORTS = ['kerberos'];
for (const match of mainText.matchAll(/[^\w$.]import\(\s*(['"`])([^'"`]*)\1\s*\)/g)) {
  if (!OPTIONAL_IMPORTS.includes(match[2] ?? '')) {
    throw new Error(
      `dist/main.cjs keeps import(${match[1]}${match[2]}${match[1]}): use process.getBuiltinModule for a built-in, or bundle it`,
    );
  }
}

// The bundle's content hash: bin/run-bundle.js names its code cache after it.
await writeFile(new URL('main.cjs.id', dist), `${createHash('sha256').update(mainText).digest('hex')}\n`);
// The stand-in's wrapper runs dist/sandbox/pwsh/main.js (src/sandbox/pwsh/install.ts, as built).
await mkdir(new URL('sandbox/pwsh/', dist), { recursive: true });
await writeFile(new URL('sandbox/pwsh/main.js', dist), "import '../../pwsh-stand-in.cjs';\n");
// web-tree-sitter finds its runtime next to the chunk that holds it; the grammar is looked up next to grammar.js as built.
await copyFile(new URL('node_modules/web-tree-sitter/web-tree-sitter.wasm', root), new URL('web-tree-sitter.wasm', dist));
await copyFile(
  new URL('node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm', root),
  new URL('sandbox/pwsh/tree-sitter-powershell.wasm', dist),
);
const licenses = await collectLicenses(
  root.pathname,
  [...Object.keys(result.metafile.inputs), ...Object.keys(vendors.metafile.inputs)],
  ['web-tree-sitter', 'tree-sitter-powershell'],
);
await writeFile(new URL('THIRD-PARTY-LICENSES.txt', dist), licenses);
if (process.env.ENTRA_MAIL_BUILD_META) await writeFile(process.env.ENTRA_MAIL_BUILD_META, JSON.stringify(result.metafile));
