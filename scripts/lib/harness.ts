import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TokenCredential } from '@azure/identity';
import { createAdminCredential } from '../../src/auth/admin-credential.ts';
import { run } from '../../src/commands/index.ts';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import type { Deps } from '../../src/core/deps.ts';
import { systemClock } from '../../src/core/clock.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.ts';
import { PWSH_STAND_IN } from './entry.ts';
import { findCanaries, type Canary, type CanaryHit } from './canary.ts';
import { createPrng, createVirtualClock, type VirtualClock } from './virtual-clock.ts';

export interface HarnessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A sandbox tenant and the real CLI driven in-process against it, sharing one virtual clock.
 * Every secret the sandbox mints is a canary (`CANARY-<uuid>`), and every admin token the CLI
 * obtains is recorded, so `scanForLeaks` can grep all output and files for them (rows 22–23).
 */
export interface Harness {
  sandbox: Sandbox;
  clock: VirtualClock;
  /** Scratch directory: the CLI's cwd, state dir (journal) and sinks. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** `--auth env --ca-file …` */
  common: string[];
  /** Secrets minted by the sandbox so far. */
  minted: string[];
  /** Admin access tokens the CLI obtained so far. */
  adminTokens: Set<string>;
  /** Every stdout/stderr of every run so far. */
  outputs: { where: string; data: string }[];
  run(argv: string[], options?: { stepDeadlineMs?: number; seed?: number; lockWaitMs?: number }): Promise<HarnessRun>;
  /** Canary hits in all outputs and in every file under `dir` except the sinks. */
  scanForLeaks(sinks: string[]): Promise<CanaryHit[]>;
  close(): Promise<void>;
}

/**
 * `realClock`: the sandbox keeps real time (for a CLI run in a child process, which has its own
 * clock); `clock` then only records nothing and never advances.
 */
export async function startHarness(
  options: Omit<SandboxOptions, 'clock' | 'secretGenerator'> & { realClock?: boolean } = {},
): Promise<Harness> {
  const clock = createVirtualClock();
  const minted: string[] = [];
  const sandbox = await startSandbox({
    pwshEntry: PWSH_STAND_IN,
    ...options,
    clock: options.realClock ? systemClock : clock,
    secretGenerator: () => {
      const canary = `CANARY-${randomUUID()}`;
      minted.push(canary);
      return canary;
    },
  });
  const runClock = options.realClock ? systemClock : clock;
  const dir = await mkdtemp(join(tmpdir(), 'entra-mail-reliability-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    ...adminEnvironment(sandbox.settings),
    ENTRA_MAIL_STATE_DIR: join(dir, 'state'),
  };
  const adminTokens = new Set<string>();
  const outputs: { where: string; data: string }[] = [];
  let runs = 0;
  const harness: Harness = {
    sandbox,
    clock,
    dir,
    env,
    common: ['--auth', 'env', '--ca-file', sandbox.settings.caFile],
    minted,
    adminTokens,
    outputs,
    async run(argv, runOptions = {}) {
      const n = ++runs;
      let stdout = '';
      let stderr = '';
      const stdin = Object.assign(new PassThrough(), { isTTY: false });
      stdin.end();
      let ids = 0;
      const deps: Deps = {
        clock: runClock,
        env,
        cwd: dir,
        stdout: { write: (s: string) => (stdout += s), isTTY: false },
        stderr: { write: (s: string) => (stderr += s), isTTY: false },
        stdin,
        newId: () => `r${n}x${++ids}`,
        random: createPrng(runOptions.seed ?? n),
        createAdminCredential: async (signIn) => recordTokens(await createAdminCredential(signIn), adminTokens),
        stepDeadlineMs: runOptions.stepDeadlineMs,
        ...(runOptions.lockWaitMs !== undefined ? { lockWaitMs: runOptions.lockWaitMs } : {}),
      };
      const code = await run(argv, deps);
      outputs.push({ where: `run ${n} stdout`, data: stdout }, { where: `run ${n} stderr`, data: stderr });
      return { code, stdout, stderr };
    },
    async scanForLeaks(sinks) {
      const files = await listFiles(dir);
      const contents = await Promise.all(files.filter((f) => !sinks.includes(f)).map(async (f) => ({ where: f, data: await readFile(f) })));
      const canaries: Canary[] = [
        ...minted.map((value, i) => ({ label: `minted secret #${i + 1}`, value })),
        ...[...adminTokens].map((value, i) => ({ label: `admin token #${i + 1}`, value })),
        { label: 'admin client secret', value: sandbox.settings.adminClientSecret.reveal() },
      ];
      return findCanaries([...outputs, ...contents], canaries);
    },
    close: async () => {
      await sandbox.close();
      await Promise.all([rm(dir, { recursive: true, force: true }), rm(sandbox.settings.dir, { recursive: true, force: true })]);
    },
  };
  return harness;
}

/** Wraps the admin credential so the tokens it hands the CLI are known to the canary scan. */
function recordTokens(credential: TokenCredential, tokens: Set<string>): TokenCredential {
  return {
    getToken: async (scopes, options) => {
      const token = await credential.getToken(scopes, options);
      if (token) tokens.add(token.token);
      return token;
    },
  };
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The canary the sink file holds, if any. */
export async function readSinkSecret(path: string, minted: string[]): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return minted.find((secret) => text.includes(secret));
}
