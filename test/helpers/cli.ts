import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createAdminCredential } from '../../src/auth/admin-credential.ts';
import { run } from '../../src/commands/index.ts';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import type { Clock } from '../../src/core/clock.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { Deps } from '../../src/core/deps.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import { PWSH_STAND_IN } from '../../scripts/lib/entry.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process with captured streams and the given environment. */
export async function runCli(
  argv: string[],
  options: {
    env: NodeJS.ProcessEnv;
    cwd: string;
    clock?: Clock;
    stdin?: string;
    /** stdin and stderr are a terminal, so prompts are shown and answered (from `stdin`). */
    tty?: boolean;
    /** Sees stderr as it is written (e.g. to act on a prompt while the command runs). */
    onStderr?: (text: string) => void;
    stepDeadlineMs?: number;
    newId?: () => string;
    /** As src/main.ts: whether stdin is a terminal is given apart, and reading `deps.stdin` calls this. */
    onStdinRead?: () => void;
  },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  let n = 0;
  const deps: Deps = {
    clock: options.clock ?? systemClock,
    env: options.env,
    cwd: options.cwd,
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: {
      write: (s: string) => {
        stderr += s;
        options.onStderr?.(s);
        return true;
      },
      isTTY: options.tty ?? false,
    },
    stdin: Object.assign(stdin, { isTTY: options.tty ?? false }),
    ...(options.onStdinRead ? { stdinIsTTY: options.tty ?? false } : {}),
    newId: options.newId ?? (() => `run${String(++n).padStart(5, '0')}`),
    random: () => 0.5,
    createAdminCredential,
    stepDeadlineMs: options.stepDeadlineMs,
  };
  if (options.onStdinRead) {
    const read = options.onStdinRead;
    Object.defineProperty(deps, 'stdin', {
      get: () => {
        read();
        return stdin;
      },
    });
  }
  const code = await run(argv, deps);
  return { code, stdout, stderr };
}

/** A started sandbox plus a scratch directory and the environment `--auth env` reads. */
export async function startTestTenant(
  options: SandboxOptions = {},
): Promise<{ sandbox: Sandbox; dir: string; env: NodeJS.ProcessEnv; common: string[]; close(): Promise<void> }> {
  const sandbox = await startSandbox({ pwshEntry: PWSH_STAND_IN, ...options });
  const dir = await mkdtemp(join(tmpdir(), 'entra-mail-test-'));
  const env = { PATH: process.env.PATH, HOME: dir, ...adminEnvironment(sandbox.settings), ENTRA_MAIL_STATE_DIR: join(dir, 'state') };
  const common = ['--auth', 'env', '--ca-file', sandbox.settings.caFile];
  const close = async () => {
    await sandbox.close();
    await Promise.all([rm(dir, { recursive: true, force: true }), rm(sandbox.settings.dir, { recursive: true, force: true })]);
  };
  return { sandbox, dir, env, common, close };
}

/** `provision` of an smtp app for noreply@contoso.com with the Exchange step skipped, against a test tenant. */
export function smtpProvision(common: string[], name: string, ...extra: string[]): string[] {
  return ['provision', ...common, '--model', 'smtp', '--name', name, '--mailbox', 'noreply@contoso.com', '--exchange', 'skip', ...extra];
}
