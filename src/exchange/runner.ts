import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExternalToolError } from '../core/errors.ts';
import { redactTokens } from './redact.ts';
import type { ExchangeScriptResult } from './result.ts';
import { parseExchangeResult, RESULT_PREFIX } from './result.ts';

/** How to get pwsh and the Exchange module, shown when pwsh cannot be started (docs/exchange-powershell.md#module-and-powershell-version). */
export const PWSH_INSTALL_HINT =
  'install PowerShell 7 (https://aka.ms/powershell), then run: pwsh -Command "Install-Module -Name ExchangeOnlineManagement -Scope CurrentUser"; ' +
  'or run the written script on a machine that has them';

export interface RunExchangeScriptOptions {
  /** The pwsh executable (`--pwsh`, ENTRA_MAIL_PWSH; the sandbox hands out its stand-in). */
  pwshPath: string;
  /** The script file, byte for byte the one `--dry-run` printed. */
  scriptPath: string;
  /** The environment the command runs in (Deps.env); the admin's secret variables are dropped from it. */
  environment: NodeJS.ProcessEnv;
  /** Extra environment (e.g. ENTRA_MAIL_CERTIFICATE_PASSWORD); secrets travel here, never in argv. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * The SHA-256 of the script as the tool wrote it: checked just before pwsh starts, so a script
   * someone changed (or swapped) after it was written is never run.
   */
  expectedSha256?: string;
  /**
   * Each line pwsh prints (stdout and stderr, tokens redacted, the result line left out), as it
   * comes: `Connect-ExchangeOnline -Device` prints the code the admin must enter, so it cannot wait
   * until pwsh exits.
   */
  onLine?: (line: string) => void;
  /** Hand pwsh the terminal's stdin (interactive sign-in may ask); otherwise it gets none. */
  interactive?: boolean;
  /** Stop pwsh after this long (`--exchange-timeout`): ExternalToolError, exit 6. */
  timeoutMs?: number;
}

/**
 * Runs a generated script with `pwsh -NoProfile [-NonInteractive] -File <script>` (no shell; with a
 * terminal, pwsh gets its stdin and may prompt; without one, -NonInteractive and no stdin), relays its output as it comes, stops it after `timeoutMs`, and returns its
 * parsed result line. Every failure is an ExternalToolError (exit 6, step
 * 'exchange'): pwsh missing (with how to install it), a non-zero exit (with the script's own error
 * text, tokens redacted) or output without a valid result line.
 */
export async function runExchangeScript(opts: RunExchangeScriptOptions): Promise<ExchangeScriptResult> {
  if (opts.expectedSha256 !== undefined) await checkScriptUnchanged(opts.scriptPath, opts.expectedSha256);
  // Loaded on first use: commands that never need it start without it (cold start).
  const { execa } = await import('execa');
  // Interactive (browser) sign-in cannot work under -NonInteractive (docs/exchange-powershell.md#connecting).
  const args = opts.interactive ? ['-NoProfile', '-File', opts.scriptPath] : ['-NoProfile', '-NonInteractive', '-File', opts.scriptPath];
  const subprocess = execa(opts.pwshPath, args, {
    reject: false,
    shell: false,
    stdin: opts.interactive ? 'inherit' : 'ignore',
    ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
    all: false,
    stripFinalNewline: true,
    // The script needs no credential of ours: the admin's secret variables are not handed down
    // (docs/reliability.md#secret-in-argv: no secret in argv or in the child's environment).
    env: { ...childEnvironment(opts.environment), ...(opts.env ?? {}) },
    extendEnv: false,
    ...(opts.signal === undefined ? {} : { cancelSignal: opts.signal }),
  });
  if (opts.onLine) relayLines(subprocess, opts.onLine);
  const result = await subprocess;
  const object = `script ${opts.scriptPath}`;
  if (result.timedOut) {
    throw new ExternalToolError(
      `the Exchange script did not finish within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s and was stopped (a sign-in not completed, or Exchange not answering)`,
      {
        step: 'exchange',
        object,
        suggestion: `complete the sign-in it printed, or raise --exchange-timeout; the script is safe to re-run (${opts.scriptPath})`,
      },
    );
  }
  if (result.isCanceled) throw new ExternalToolError('the Exchange script was cancelled', { step: 'exchange', object });
  const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES') {
    throw new ExternalToolError(
      `cannot start '${opts.pwshPath}' (${code}): PowerShell 7 is needed to run the Exchange step; the script was written to ${opts.scriptPath}`,
      {
        step: 'exchange',
        object,
        code,
        suggestion: PWSH_INSTALL_HINT,
      },
    );
  }
  if (result.failed) {
    const text = describeFailure(String(result.stderr ?? ''), String(result.stdout ?? ''));
    throw new ExternalToolError(
      `the Exchange script failed (exit code ${result.exitCode ?? 'none'}${result.signal ? `, ${result.signal}` : ''}): ${text}`,
      {
        step: 'exchange',
        object,
        suggestion: `fix the cause above and run again; the script is safe to re-run (${opts.scriptPath})`,
      },
    );
  }
  try {
    return parseExchangeResult(String(result.stdout ?? ''));
  } catch (error) {
    throw error instanceof ExternalToolError ? error.withContext({ step: 'exchange', object }) : error;
  }
}

/** Relays pwsh's output line by line while it runs (both streams; the result line stays internal). */
function relayLines(
  subprocess: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null },
  onLine: (line: string) => void,
): void {
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    if (!stream) continue;
    let pending = '';
    stream.on('data', (chunk: Buffer | string) => {
      const lines = (pending + String(chunk)).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '' && !line.startsWith(RESULT_PREFIX)) onLine(redactTokens(line));
    });
    stream.on('end', () => {
      if (pending.trim() !== '' && !pending.startsWith(RESULT_PREFIX)) onLine(redactTokens(pending));
    });
  }
}

/** Variables that carry credentials by their conventional names; everything else is passed on. */
const SECRET_VARIABLES = /(_SECRET|_TOKEN|_PASSWORD|_KEY)$/i;
/** The one the script itself reads: the password of the certificate it signs in to Exchange with. */
const SCRIPT_INPUTS = new Set(['ENTRA_MAIL_CERTIFICATE_PASSWORD']);

export function childEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (SCRIPT_INPUTS.has(name.toUpperCase()) || !SECRET_VARIABLES.test(name))) kept[name] = value;
  }
  return kept;
}

/** The script's own error text (stderr first, else the tail of stdout), redacted and bounded. */
function describeFailure(stderr: string, stdout: string): string {
  const source = stderr.trim() !== '' ? stderr : stdout;
  const lines = source
    .trim()
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const text = redactTokens(lines.slice(-12).join('\n')).slice(-3000);
  return text === '' ? 'no error text' : text;
}

/** The file pwsh will open is a regular file (no symlink) holding exactly what the tool wrote. */
async function checkScriptUnchanged(path: string, expected: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  const content = stat?.isFile() ? await readFile(path).catch(() => undefined) : undefined;
  const actual = content === undefined ? undefined : createHash('sha256').update(content).digest('hex');
  if (actual === expected) return;
  throw new ExternalToolError(
    `the Exchange script ${path} is not the one entra-mail wrote (${content === undefined ? 'it is gone or no longer a regular file' : 'its content changed'}); it was not run.`,
    {
      step: 'exchange',
      object: `script ${path}`,
      suggestion: `check who else can write to ${dirname(path)}; write the script to a directory only you can write (--script-out) and run again`,
    },
  );
}
