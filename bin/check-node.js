// The Node.js floor, checked before anything else loads: older versions fail deep inside with
// errors that name no cause (".ts" files not understood, tls.setDefaultCACertificates missing).
// Written for any Node.js from 14 on (ES modules, optional chaining): no newer syntax here.
// Run directly (`node bin/check-node.js`, as npm's pre-scripts do) it exits 2 on an old Node.
// `import … from 'node:fs'` would make Node evaluate fs's lazy exports (fs.promises loads readline):
// the module object alone is enough here. process.getBuiltinModule arrived in Node.js 20.16 / 22.3.
const { readFileSync } = process.getBuiltinModule ? process.getBuiltinModule('node:fs') : await import('node:fs');

/** Exit code for "this Node.js is too old" (README "Exit codes"): nothing was started or sent. */
export const NODE_TOO_OLD_EXIT_CODE = 2;

/** The floor from package.json "engines.node" (">=22.19" → [22, 19, 0]). */
export function readFloor() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(String(pkg.engines?.node ?? ''));
  return match ? [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)] : [0, 0, 0];
}

/** One line that says what was found, what is needed and how to get it; undefined when this Node.js is new enough. */
export function checkNode(version, execPath) {
  const floor = readFloor();
  const found = String(version).replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((found[i] || 0) > floor[i]) return undefined;
    if ((found[i] || 0) < floor[i]) {
      const needed = floor.join('.');
      return `entra-mail needs Node.js ${needed} or later, but ${execPath} is Node.js ${found.join('.')}. Install Node.js ${floor[0]} LTS (${needed} or newer) or 24 LTS from https://nodejs.org/en/download (or: nvm install ${floor[0]}), then run the command again.`;
    }
  }
  return undefined;
}

// Run directly? import.meta.filename (Node.js 20.11+) spares loading the URL helpers; older ones compare URLs.
const direct =
  process.argv[1] &&
  (import.meta.filename
    ? import.meta.filename === process.argv[1]
    : import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href);
if (direct) {
  const problem = checkNode(process.version, process.execPath);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = NODE_TOO_OLD_EXIT_CODE;
  }
}
