import type { Metafile } from 'esbuild';

/**
 * What `entra-mail <any command>` must not load before the command asks for it: the sandbox and
 * the packages only it uses, and the SDKs of the commands that talk to a service. Each reaches the
 * bundle through an `import()` in the sources; a static import from a module every command loads
 * would put it on every start-up (and the sandbox's dependencies on every user's path).
 */
const LOADED_ON_DEMAND = [
  /^src\/sandbox\//,
  /node_modules\/(smtp-server|web-tree-sitter|tree-sitter-powershell)\//,
  /node_modules\/(@azure\/identity|@azure\/msal-node|@azure\/keyvault-secrets|@microsoft\/microsoft-graph-client)\//,
  /node_modules\/(listr2|nodemailer|execa|@peculiar\/x509|ajv)\//,
];

/**
 * The modules the entry evaluates when it loads: its static imports and requires, followed to the
 * end. A module reached only through `import()` is evaluated when that runs (esbuild wraps it in an
 * initialiser, docs/performance.md#start-up); a deferred module's `require` runs on first use.
 */
export function staticClosure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const input = pending.pop() as string;
    if (seen.has(input)) continue;
    seen.add(input);
    if (input.startsWith('deferred:')) continue;
    for (const record of metafile.inputs[input]?.imports ?? []) {
      if ((record.kind === 'import-statement' || record.kind === 'require-call') && !record.external) pending.push(record.path);
    }
  }
  return [...seen];
}

/** Fails the build when a module in LOADED_ON_DEMAND is loaded by the CLI's start-up. */
export function assertLoadedOnDemand(metafile: Metafile, entry: string): void {
  const offending = staticClosure(metafile, entry).filter((input) => LOADED_ON_DEMAND.some((pattern) => pattern.test(input)));
  if (offending.length > 0) {
    throw new Error(`${entry} loads these at start-up; reach them through import() instead:\n  ${offending.slice(0, 20).join('\n  ')}`);
  }
}
