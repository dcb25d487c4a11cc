import type { Activity } from './activity.ts';
import type { TokenCredential } from '@azure/identity';
import type { Clock } from './clock.ts';
import type { AdminSignIn } from './sign-in.ts';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * Every effect enters here: the composition root (src/main.ts) builds the
 * real ones; tests build their own with captured streams, a sandbox and a fixed environment.
 */
export interface Deps {
  /** What the command is doing now, for the message a signal prints (src/core/activity.ts). */
  activity?: Activity;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /**
   * Whether standard input is a terminal, known without creating `stdin` (src/main.ts: creating
   * process.stdin loads file streams and readline, and most runs never read it). Unset: `stdin.isTTY`.
   */
  stdinIsTTY?: boolean;
  /** Random ids for markers and runs. */
  newId: () => string;
  random: () => number;
  /** Builds the admin's credential (src/auth/admin-credential.ts); tests may wrap it. */
  createAdminCredential: (signIn: AdminSignIn) => Promise<TokenCredential>;
  /** Per-step deadline for replication/throttling waits (default 5 min, docs/reliability.md#replication-never-completes). */
  stepDeadlineMs?: number;
  /** How long a run waits for another run's lock on the same app (default 10 s, src/credentials/lock.ts). */
  lockWaitMs?: number;
  /**
   * Aborted once the command has ended (src/commands/index.ts): requests and retries it left behind, such as
   * the reads beside one that failed, stop instead of keeping the process alive.
   */
  ended?: AbortSignal;
}

/** Whether standard input is a terminal (someone may answer a prompt or a device-code sign-in). */
export function stdinIsTerminal(deps: Pick<Deps, 'stdin' | 'stdinIsTTY'>): boolean {
  return deps.stdinIsTTY ?? Boolean(deps.stdin.isTTY);
}
