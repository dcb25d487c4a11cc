import type { ListrTask } from 'listr2';
import type { OutputStream } from '../core/deps.ts';
import { rawStream } from '../core/terminal-text.ts';

export type ProgressMode = 'default' | 'simple' | 'silent';

/**
 * The renderer is chosen once from flags and the terminal: a live list in a
 * terminal, plain lines in logs and CI, nothing with --json. Progress always goes to stderr;
 * stdout carries data only.
 */
export function chooseProgressMode(options: { json: boolean; stderr: OutputStream }): ProgressMode {
  if (options.json) return 'silent';
  return options.stderr.isTTY ? 'default' : 'simple';
}

export async function runTasks<Ctx extends object>(
  tasks: ListrTask<Ctx>[],
  ctx: Ctx,
  options: { mode: ProgressMode; stderr: OutputStream },
): Promise<Ctx> {
  const { createWritable, Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // The renderer's own cursor and colour sequences must pass: it writes to the stream under the
  // escaping one (task titles are the tool's own text; errors are escaped where they are made).
  const stderr = rawStream(options.stderr);
  const stream = createWritable((chunk) => stderr.write(String(chunk))) as unknown as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: options.mode === 'default' });
  const list = new Listr<Ctx, 'default' | 'simple' | 'silent'>(tasks, {
    ctx,
    renderer: options.mode,
    rendererOptions: { logger } as never,
    exitOnError: true,
    // Signals are main.ts's business; a listr2 handler would exit behind our back.
    registerSignalListeners: false,
    collectErrors: false,
  });
  return list.run();
}
