// Fleet runs (`plan|apply|rotate|status -f FILE`) start Node.js again with two of its documented heap
// limits, so their peak memory stays flat in the number of tenants (docs/performance.md, "Why the peak RSS grew").
// The heap a fleet run keeps alive is small and flat; what grew with the fleet was V8 growing its young
// generation and letting garbage collect in the old one, which both flags bound:
// https://nodejs.org/api/cli.html#--max-semi-space-sizesize-in-mib and
// https://nodejs.org/api/cli.html#--max-old-space-sizesize-in-mib. Node.js reads them only at start-up,
// so the bin replaces its own process (process.execve: same pid, same stdio, no child to forward signals
// to; https://nodejs.org/api/process.html#processexecvefile-args-env). Not on Windows (no execve) and not
// when the user gave either flag, in the command line or NODE_OPTIONS: their choice stands.
// Plain JavaScript for any Node.js, like check-node.js.

/** The flags a fleet run starts with. */
export const FLEET_HEAP_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=1024'];

const FLEET_COMMANDS = ['plan', 'apply', 'rotate', 'status'];

/** `entra-mail <plan|apply|rotate|status> … -f FILE` (or --file): a fleet run. */
export function isFleetRun(args) {
  const command = args.find((a) => !a.startsWith('-'));
  return FLEET_COMMANDS.includes(command) && args.some((a) => a === '-f' || a === '--file' || a.startsWith('--file='));
}

/** The node arguments to start again with, or undefined to go on in this process. */
export function fleetHeapArgv(args, execArgv, env, canExec) {
  if (!canExec || !isFleetRun(args)) return undefined;
  const given = [...execArgv, ...String(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => /^--max[-_](semi|old)[-_]space[-_]size/.test(a))) return undefined;
  return [...FLEET_HEAP_FLAGS, ...execArgv];
}
