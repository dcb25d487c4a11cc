// Long runs over many apps or tenants start Node.js again with two of its documented heap limits, so
// their peak memory stays flat in the number of apps or tenants (docs/performance.md, "Why the peak RSS
// grew" and "status and rotate --all over 1,000 managed apps"): a fleet run (`plan|apply|rotate|status
// -f FILE`) and `rotate --all`. The heap such a run keeps alive is small and flat; what grew with the
// run was V8 growing its young generation and letting garbage collect in the old one, which both flags
// bound: https://nodejs.org/api/cli.html#--max-semi-space-sizesize-in-mib and
// https://nodejs.org/api/cli.html#--max-old-space-sizesize-in-mib. Node.js reads them only at start-up,
// so the bin replaces its own process (process.execve: same pid, same stdio, no child to forward signals
// to; https://nodejs.org/api/process.html#processexecvefile-args-env). Not on Windows (no execve) and not
// when the user gave either flag, in the command line or NODE_OPTIONS: their choice stands.
// Plain JavaScript for any Node.js, like check-node.js.

/**
 * The flags a fleet run starts with: a 4 MB young generation. Since the bundle became one classic
 * script (scripts/build.ts) a 200-tenant `plan -f` grew by 22–24 MB over 50 tenants with 8 MB; with
 * 4 MB by 12 MB, for 2–10% more CPU and the same wall (docs/performance.md).
 */
export const FLEET_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=1024'];

/**
 * The flags `rotate --all` starts with: a 1 MB young generation. Its rotations each wait on the
 * network with their objects in flight, 4 at a time; with 8 MB semi-spaces its peak still grew by
 * 26 MB from 10 to 1,000 apps, with 1 MB by 17 MB, for the same CPU (docs/performance.md).
 */
export const ROTATE_ALL_HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=1024'];

const FLEET_COMMANDS = ['plan', 'apply', 'rotate', 'status'];

const commandOf = (args) => args.find((a) => !a.startsWith('-'));

/** `entra-mail <plan|apply|rotate|status> … -f FILE` (or --file): a fleet run. */
export function isFleetRun(args) {
  return FLEET_COMMANDS.includes(commandOf(args)) && args.some((a) => a === '-f' || a === '--file' || a.startsWith('--file='));
}

/** `entra-mail rotate --all …` of one tenant (yargs also takes `--all=true`). */
export function isRotateAll(args) {
  return commandOf(args) === 'rotate' && !isFleetRun(args) && args.some((a) => a === '--all' || a === '--all=true');
}

/** The node arguments to start again with, or undefined to go on in this process. */
export function fleetHeapArgv(args, execArgv, env, canExec) {
  const flags = isFleetRun(args) ? FLEET_HEAP_FLAGS : isRotateAll(args) ? ROTATE_ALL_HEAP_FLAGS : undefined;
  if (!canExec || !flags) return undefined;
  const given = [...execArgv, ...String(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((a) => /^--max[-_](semi|old)[-_]space[-_]size/.test(a))) return undefined;
  return [...flags, ...execArgv];
}
