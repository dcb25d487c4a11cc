#!/usr/bin/env node
// Entry point. The Node.js floor is checked first (bin/check-node.js): an older Node.js gets one
// line saying what it found, what is needed and where to get it, and exit 2. `--version` answers
// without loading anything else, so it starts as fast as node itself; every other command loads
// the compiled CLI (dist/), or the TypeScript sources in a checkout that has not been built
// (Node >= 22.18 strips types natively).
import { readFileSync, existsSync } from 'node:fs';
import { checkNode, NODE_TOO_OLD_EXIT_CODE } from './check-node.js';

const args = process.argv.slice(2);
const tooOld = checkNode(process.version, process.execPath);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = NODE_TOO_OLD_EXIT_CODE;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const compiled = new URL('../dist/main.js', import.meta.url);
  await import(existsSync(compiled) ? compiled.href : new URL('../src/main.ts', import.meta.url).href);
}
