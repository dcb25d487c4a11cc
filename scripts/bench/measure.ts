import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One whole process, as the user waits for it: wall from spawn to exit, CPU and peak memory of the process. */
export interface ProcessFigures {
  exitCode: number;
  wallMs: number;
  /** user + sys CPU time of the process; NaN without GNU time. */
  cpuMs: number;
  /** Peak resident set size; NaN without GNU time. */
  rssMb: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** GNU time reports the child's own rusage (wait4): CPU and peak RSS of exactly that process. */
const GNU_TIME = '/usr/bin/time';
export const canMeasureCpu = existsSync(GNU_TIME);

/** Runs `command args` to completion and measures it from outside. */
export async function runWhole(command: string, args: string[], options: RunOptions = {}): Promise<ProcessFigures> {
  const scratch = await mkdtemp(join(tmpdir(), 'entra-mail-bench-time-'));
  const timeFile = join(scratch, 'rusage');
  const [file, argv] = canMeasureCpu ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, command, ...args]] : [command, args];
  try {
    const started = performance.now();
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += String(chunk);
      });
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    const wallMs = performance.now() - started;
    let cpuMs = Number.NaN;
    let rssMb = Number.NaN;
    if (canMeasureCpu) {
      const fields = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
      cpuMs = ((fields[1] ?? Number.NaN) + (fields[2] ?? Number.NaN)) * 1000;
      rssMb = (fields[3] ?? Number.NaN) / 1024;
    }
    return { exitCode: result.code, wallMs, cpuMs, rssMb, stdout: result.stdout, stderr: result.stderr };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median wall, CPU and the largest RSS of `runs` runs after one warm-up; every run must exit `expectExit`. */
export async function sampleWhole(command: string, args: string[], runs: number, expectExit: number, options: RunOptions = {}) {
  await runWhole(command, args, options);
  const samples: ProcessFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const figures = await runWhole(command, args, options);
    if (figures.exitCode !== expectExit) {
      throw new Error(
        `${[command, ...args].join(' ')} exited ${figures.exitCode}, expected ${expectExit}: ${figures.stderr.slice(0, 400)}`,
      );
    }
    samples.push(figures);
  }
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    rssMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

/**
 * The bench's own code cache directory (bin/run-bundle.js), shared by every run it starts: a user
 * runs a command with the cache its earlier runs made, not with a new HOME's empty one. Set by
 * scripts/bench.ts; the first run of each command makes it (the provision part does not count it).
 */
export function codeCacheHome(): { XDG_CACHE_HOME?: string } {
  return process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {};
}
