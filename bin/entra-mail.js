#!/usr/bin/env node
// Entry point. A checkout (src/ beside bin/) runs the TypeScript sources directly, so what runs is
// always what is on disk; the installed package has no src/ and runs the bundle `npm pack` built
// (dist/, see scripts/build.ts), with V8's compiled code cached between runs (Node's module compile
// cache). `--version` answers from package.json without loading either.
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const source = new URL('../src/main.ts', import.meta.url);
  if (existsSync(source)) {
    await import(source.href);
  } else {
    module.enableCompileCache?.();
    await import(new URL('../dist/main.js', import.meta.url).href);
  }
}
