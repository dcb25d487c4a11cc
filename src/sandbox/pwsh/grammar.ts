import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

/**
 * A real PowerShell grammar (tree-sitter-powershell, compiled to WebAssembly) shared by the pwsh
 * stand-in and the injection tests (docs/reliability.md#powershell-injection: PowerShell itself cannot be installed
 * here, so the grammar plays the part of `[Parser]::ParseInput`).
 */
let loading: Promise<Parser> | undefined;

/** The one parser of this process, loaded on first use. */
export function loadPowerShellParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    // The bundle carries the grammar beside this module as built (scripts/build.ts); a checkout has the package.
    const bundled = new URL('./tree-sitter-powershell.wasm', import.meta.url);
    const wasmPath = existsSync(bundled)
      ? fileURLToPath(bundled)
      : createRequire(import.meta.url).resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
    const language = await Language.load(wasmPath);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}

/** Parses a script; undefined never comes back (the grammar always yields a tree, maybe with ERROR nodes). */
export async function parsePowerShell(script: string): Promise<Tree> {
  const parser = await loadPowerShellParser();
  const tree = parser.parse(script);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** The first ERROR or MISSING node, to report where a script does not parse. */
export function findSyntaxError(node: Node): Node | undefined {
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    if (!child) continue;
    const found = findSyntaxError(child);
    if (found) return found;
  }
  return node;
}
