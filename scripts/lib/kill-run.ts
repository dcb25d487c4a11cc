import { spawn } from 'node:child_process';
import { access, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN } from './entry.ts';
import type { Harness } from './harness.ts';
import { watchRequests, type KillPoint } from './request-kills.ts';

export const KILL_HOOK = fileURLToPath(new URL('./kill-hook.ts', import.meta.url));

/** How a run is interrupted: from outside at a random moment, or from inside the `--on-rotate` hook. */
export type KillMode =
  | { kind: 'timer'; afterMs: number }
  | { kind: 'hook'; order: 'kill-before' | 'kill-after' | 'block' | 'fail'; store: string }
  | { kind: 'request'; point: KillPoint }
  | { kind: 'none' };

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the run was killed (it did not finish first). */
  killed: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI as a child process in its own process group, and kills the whole group
 * (the CLI and any hook it started) with SIGKILL as `mode` says: no cleanup, no exit handlers,
 * as a power cut or `kill -9` would. Nothing in the product knows it is being tested.
 */
export async function runChild(h: Harness, argv: string[], mode: KillMode): Promise<ChildRun> {
  if (mode.kind === 'hook') await writeFile(`${mode.store}.order`, mode.order);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_MAIN, ...argv], { cwd: h.dir, env: h.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const killGroup = () => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let unwatch: () => void = () => undefined;
  if (mode.kind === 'request') {
    let seen = 0;
    unwatch = watchRequests(h, (entry) => {
      if (mode.point.matches(entry) && ++seen === mode.point.nth) killGroup();
    });
  }
  if (mode.kind === 'timer') {
    await Promise.race([exited, delay(mode.afterMs)]);
    killGroup();
  } else if (mode.kind === 'hook' && mode.order === 'block') {
    const blocked = `${mode.store}.blocked`;
    while (
      !done &&
      !(await access(blocked).then(
        () => true,
        () => false,
      ))
    )
      await delay(10);
    killGroup();
    await rm(blocked, { force: true });
  }
  const { code, signal } = await exited;
  unwatch();
  if (mode.kind === 'hook') await rm(`${mode.store}.order`, { force: true });
  // A hook told to kill its parent leaves the CLI dead; reap anything left in the group too.
  killGroup();
  return { code, signal, killed: signal === 'SIGKILL', ms: performance.now() - started, stdout, stderr };
}
