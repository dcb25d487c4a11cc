/**
 * What the command is doing right now, so that Ctrl-C or SIGTERM can say what state the tenant is
 * in. Steps that only read leave the tenant as it was; steps that change it are named.
 */
export interface Activity {
  /** A step starts; `changes` when it writes to the tenant. */
  start(step: string, changes: boolean): void;
  finish(step: string): void;
  /** The line to print when a signal stops the run. */
  describeInterruption(signal: string): string;
  /** A command that stops on a signal by itself (the sandbox closes its servers) says so here. */
  claimSignals(): void;
  readonly signalsClaimed: boolean;
}

export function createActivity(): Activity {
  const running = new Map<string, boolean>();
  const done: string[] = [];
  let claimed = false;
  return {
    claimSignals() {
      claimed = true;
    },
    get signalsClaimed() {
      return claimed;
    },
    start(step, changes) {
      running.set(step, changes);
    },
    finish(step) {
      if (running.get(step)) done.push(step);
      running.delete(step);
    },
    describeInterruption(signal) {
      const changing = [...running].filter(([, changes]) => changes).map(([step]) => step);
      const rerun = 'Run the same command again: it reads the tenant and does only what is still missing.';
      if (changing.length === 0 && done.length === 0) return `entra-mail: stopped by ${signal} before any change; the tenant is as it was.`;
      if (changing.length === 0) return `entra-mail: stopped by ${signal} after these changes: ${done.join(', ')}. ${rerun}`;
      const before = done.length > 0 ? ` (done before it: ${done.join(', ')})` : '';
      return `entra-mail: stopped by ${signal} during ${changing.map((s) => `'${s}'`).join(', ')}${before}; that step may be half done. ${rerun}`;
    },
  };
}

/** Exit codes for a run stopped by a signal: 128 + the signal number, as shells report them. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
