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

/** The inputs of every output file the entry loads through static imports. */
export function staticClosure(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const record of metafile.outputs[file]?.imports ?? []) {
      if (record.kind === 'import-statement' && !record.external) pending.push(record.path);
    }
  }
  return [...seen].flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {}));
}

/** Fails the build when a module in LOADED_ON_DEMAND is loaded by the CLI's start-up. */
export function assertLoadedOnDemand(metafile: Metafile, entry: string): void {
  const offending = staticClosure(metafile, entry).filter((input) => LOADED_ON_DEMAND.some((pattern) => pattern.test(input)));
  if (offending.length > 0) {
    throw new Error(`${entry} loads these at start-up; reach them through import() instead:\n  ${offending.slice(0, 20).join('\n  ')}`);
  }
}
