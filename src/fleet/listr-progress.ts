import type { ListrTask } from 'listr2';
import type { OutputStream } from '../core/deps.ts';
import { rawStream } from '../core/terminal-text.ts';
import type { FleetTenant } from './fleet-file.ts';
import { describeOutcome, type TenantOutcome } from './outcome.ts';

/**
 * In a terminal: one listr2 task per tenant, `concurrency` running at once, each showing its
 * latest step under it; a failed tenant turns red and the others carry on (exitOnError off).
 */
export async function runWithListr(
  tenants: readonly FleetTenant[],
  runOne: (tenant: FleetTenant, note: (line: string) => void) => Promise<TenantOutcome>,
  options: { concurrency: number; stderr: OutputStream },
): Promise<TenantOutcome[]> {
  const { createWritable, Listr, ListrLogger, ProcessOutput } = await import('listr2');
  // The renderer's cursor sequences pass; titles are the tool's text and the file's validated tenant names.
  const stderr = rawStream(options.stderr);
  const stream = createWritable((chunk) => stderr.write(String(chunk))) as unknown as NodeJS.WriteStream;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: true } as never);
  const outcomes = new Array<TenantOutcome>(tenants.length);
  const tasks: ListrTask[] = tenants.map((tenant, i) => ({
    title: tenant.label ? `${tenant.tenant} (${tenant.label})` : tenant.tenant,
    task: async (_ctx, task) => {
      const outcome = await runOne(tenant, (line) => {
        task.output = line;
      });
      outcomes[i] = outcome;
      task.title = `${tenant.tenant}: ${describeOutcome(outcome)}`;
      if (outcome.status === 'failed') throw new Error(task.title);
    },
  }));
  const list = new Listr(tasks, {
    concurrent: options.concurrency,
    exitOnError: false,
    renderer: 'default',
    rendererOptions: { logger, collapseErrors: false } as never,
    // listr2 draws live only when the process's stdout is a terminal; otherwise (stdout piped to a
    // file) it falls back to plain lines, which go to our stderr too.
    fallbackRendererOptions: { logger } as never,
    registerSignalListeners: false,
    collectErrors: false,
  });
  await list.run().catch(() => undefined);
  return outcomes;
}
