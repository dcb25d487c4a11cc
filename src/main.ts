import { randomUUID } from 'node:crypto';
import { isatty } from 'node:tty';
import { run } from './commands/index.ts';
import { createActivity, SIGNAL_EXIT_CODES } from './core/activity.ts';
import { systemClock } from './core/clock.ts';
import type { Deps } from './core/deps.ts';
import { configureProxy, PROXY_UNSUPPORTED_NOTE } from './core/proxy.ts';

/** The real effects: the process's streams, environment, clock and the admin's @azure/identity credential. */
async function createProcessDeps(): Promise<Deps> {
  const { createAdminCredential } = await import('./auth/admin-credential.ts');
  return {
    clock: systemClock,
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: creating process.stdin loads fs streams and readline (~10 ms), and most commands never read it;
    // whether it is a terminal is asked of the file descriptor instead.
    get stdin() {
      return process.stdin;
    },
    stdinIsTTY: isatty(0),
    newId: () => randomUUID().slice(0, 8),
    random: Math.random,
    createAdminCredential,
    activity,
  };
}

const activity = createActivity();

/**
 * Ctrl-C and SIGTERM: say what state the tenant is in (src/core/activity.ts), give back the cursor
 * a live task list hid, and exit 130 / 143 (README "Exit codes").
 */
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // A command that stops on a signal by itself (the sandbox shuts down its servers) is left to do so.
    if (activity.signalsClaimed) return;
    if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\n');
    process.stderr.write(`${activity.describeInterruption(signal)}\n`);
    process.exit(SIGNAL_EXIT_CODES[signal]);
  });
}

/**
 * Composition root: builds the real dependencies, runs the CLI and sets the exit code. The only
 * place that touches process.exitCode.
 */
if (configureProxy(process.env) === 'unsupported' && !process.env.NODE_USE_ENV_PROXY) process.stderr.write(PROXY_UNSUPPORTED_NOTE);
// A promise, not a top-level await: the package runs this file as a classic script (bin/run-bundle.js).
void createProcessDeps()
  .then((deps) => run(process.argv.slice(2), deps))
  .then((code) => {
    process.exitCode = code;
  });
