import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { CLI_MAIN } from '../../scripts/lib/entry.ts';

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

export interface TerminalRun {
  code: number;
  /** What the terminal showed (stdout and stderr together, as a terminal does), raw. */
  raw: string;
  /** The same with colours and cursor movement removed. */
  text: string;
}

/**
 * Runs a command in a pseudo-terminal (util-linux `script`), so stdin, stdout and stderr are TTYs as
 * in an admin's terminal; `input` is what the admin types. The child's exit code is passed through (-e).
 */
export async function runInTerminal(
  command: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; signal?: { name: NodeJS.Signals; afterOutput: RegExp } },
): Promise<TerminalRun> {
  const line = command.map(quote).join(' ');
  const child = execa('script', ['-q', '-e', '-c', line, '/dev/null'], {
    env: { TERM: 'xterm-256color', COLUMNS: '120', LINES: '40', ...options.env },
    extendEnv: false,
    cwd: options.cwd,
    reject: false,
    stdin: 'pipe',
    stripFinalNewline: false,
  });
  let raw = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
    const signal = options.signal;
    if (signal?.afterOutput.test(stripVTControlCharacters(raw))) {
      options.signal = undefined;
      // The terminal's interrupt character reaches the foreground process as a real SIGINT.
      if (signal.name === 'SIGINT') child.stdin?.write('\x03');
    }
  });
  if (options.input !== undefined) child.stdin?.write(options.input);
  if (!options.signal) child.stdin?.end();
  const result = await child;
  return { code: result.exitCode ?? -1, raw, text: stripVTControlCharacters(raw).replaceAll('\r', '') };
}

/** Puts `entra-mail` on a PATH directory, as an installed package does: a script that runs this Node on CLI_MAIN (scripts/lib/entry.ts). */
export async function writeCliOnPath(binDir: string): Promise<string> {
  const path = join(binDir, 'entra-mail');
  await writeFile(path, `#!/bin/sh\nexec '${process.execPath}' '${CLI_MAIN}' "$@"\n`, { mode: 0o755 });
  return path;
}
