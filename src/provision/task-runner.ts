import type { ListrTask } from 'listr2';
import type { Activity } from '../core/activity.ts';
import type { OutputStream } from '../core/deps.ts';
import { rawStream } from '../core/terminal-text.ts';
import { createPalette, type Palette } from '../core/style.ts';

export type ProgressMode = 'default' | 'simple' | 'silent';

/**
 * The renderer is chosen once from flags and the terminal: a live list in a
 * terminal, plain lines in logs and CI, nothing with --json. Progress always goes to stderr;
 * stdout carries data only.
 */
export function chooseProgressMode(options: { json: boolean; quiet?: boolean; stderr: OutputStream }): ProgressMode {
  if (options.json || options.quiet) return 'silent';
  return options.stderr.isTTY ? 'default' : 'simple';
}

/** Starts loading the task list's library (listr2) ahead of `runTasks`, e.g. while a sign-in waits for its token. */
export function preloadTaskRunner(): Promise<unknown> {
  return import('listr2');
}

export async function runTasks<Ctx extends object>(
  tasks: ListrTask<Ctx>[],
  ctx: Ctx,
  options: {
    mode: ProgressMode;
    stderr: OutputStream;
    /** Colours for the task states (src/core/style.ts decides whether there are any). */
    palette?: Palette;
    /** Records each task as it runs, so a signal can say what state the tenant is in. */
    activity?: Activity;
    /** Do these tasks change the tenant (as opposed to reading it)? */
    changes?: boolean;
  },
): Promise<Ctx> {
  const { createWritable, Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // The renderer's own cursor and colour sequences must pass: it writes to the stream under the
  // escaping one (task titles are the tool's own text; errors are escaped where they are made).
  const stderr = rawStream(options.stderr);
  const stream = createWritable((chunk) => stderr.write(String(chunk))) as unknown as NodeJS.WriteStream;
  const color = stateColors(options.palette ?? createPalette(false));
  const logger = new ListrLogger({
    processOutput: new ProcessOutput(stream, stream),
    useIcons: options.mode === 'default',
    color,
  } as never);
  const tracked = tasks.map((t): ListrTask<Ctx> => {
    const title = String(t.title ?? 'task');
    return {
      ...t,
      task: async (ctx, task) => {
        options.activity?.start(title, options.changes === true);
        const result = await t.task(ctx, task);
        options.activity?.finish(title);
        return result;
      },
    };
  });
  const list = new Listr<Ctx, 'default' | 'simple' | 'silent'>(tracked, {
    ctx,
    renderer: options.mode,
    rendererOptions: { logger, color } as never,
    exitOnError: true,
    // Signals are main.ts's business; a listr2 handler would exit behind our back.
    registerSignalListeners: false,
    collectErrors: false,
  });
  return list.run();
}

/** listr2's task states and log levels → our palette (green done, red failed, yellow waiting/skipped). */
function stateColors(palette: Palette): Record<string, (text: string) => string> {
  const ok = ['COMPLETED'];
  const bad = [
    'FAILED',
    'FAILED_WITH_SUBTASKS',
    'CANCELLED',
    'ROLLBACK',
    'ROLLING_BACK',
    'ROLLED_BACK',
    'COMPLETED_WITH_SISTER_TASKS_FAILED',
  ];
  const warn = [
    'STARTED',
    'PENDING',
    'SKIPPED',
    'SKIPPED_WITH_COLLAPSE',
    'SKIPPED_WITHOUT_COLLAPSE',
    'RETRY',
    'PAUSED',
    'COMPLETED_WITH_FAILED_SUBTASKS',
  ];
  return Object.fromEntries([
    ...ok.map((k) => [k, palette.ok]),
    ...bad.map((k) => [k, palette.bad]),
    ...warn.map((k) => [k, palette.warn]),
    ['WAITING', palette.dim],
  ]);
}
