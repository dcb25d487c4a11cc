#!/usr/bin/env node
// Entry point. The Node.js floor is checked first (bin/check-node.js): an older Node.js gets one
// line saying what it found, what is needed and where to get it, and exit 2. A checkout (src/
// beside bin/) runs the TypeScript sources directly, so what runs is always what is on disk; the
// installed package has no src/ and runs the bundle `npm pack` built (dist/, see scripts/build.ts),
// with the code each command ran cached between runs (bin/run-bundle.js). `--version` answers
// from package.json without loading either.
import { checkNode, NODE_TOO_OLD_EXIT_CODE } from './check-node.js';
import { fleetHeapArgv } from './fleet-heap.js';

// The module objects, not `import … from`, which would load their lazy exports too (docs/performance.md#start-up).
const { existsSync, readFileSync } = process.getBuiltinModule ? process.getBuiltinModule('node:fs') : await import('node:fs');

const args = process.argv.slice(2);
const tooOld = checkNode(process.version, process.execPath);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = NODE_TOO_OLD_EXIT_CODE;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // A fleet run and `rotate --all` start again with their heap limits (bin/fleet-heap.js); process.execve returns only on failure.
  const heap = fleetHeapArgv(args, process.execArgv, process.env, typeof process.execve === 'function' && process.platform !== 'win32');
  if (heap) {
    try {
      process.execve(process.execPath, [process.execPath, ...heap, process.argv[1], ...args], process.env);
    } catch {
      // execve(2) failed: this process is unchanged and runs the command itself, with V8's own limits.
    }
  }
  const source = new URL('../src/main.ts', import.meta.url);
  if (existsSync(source)) {
    await import(source.href);
  } else {
    // The bundle with a code cache of what this command ran before (bin/run-bundle.js).
    const { runBundle } = await import('./run-bundle.js');
    const { fileURLToPath } = process.getBuiltinModule('node:url');
    runBundle(fileURLToPath(new URL('../dist/main.cjs', import.meta.url)), args);
  }
}
