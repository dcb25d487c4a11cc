import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminEnvironment } from '../../src/commands/sandbox.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { codeCacheHome, median, runWhole } from './measure.ts';

/** One Exchange step as a whole `exchange-script` process: wall, and the Exchange calls it made. */
export interface ExchangeStepRun {
  wallMs: number;
  calls: number;
}

export interface ExchangeStepFigures {
  api: { first: ExchangeStepRun; rerun: ExchangeStepRun };
  run: { first: ExchangeStepRun; rerun: ExchangeStepRun };
}

/**
 * The Exchange step of model smtp (service principal, FullAccess, SMTP AUTH) for an app that
 * exists, as `exchange-script --exchange api` and as `exchange-script --run` (the generated
 * script through the sandbox's pwsh stand-in), each on a fresh tenant, then converged. Both pay
 * the same sign-in and Graph reads, so the difference is the Exchange step itself.
 */
export async function measureExchangeStep(bin: string, options: { latencyMs: number; runs: number }): Promise<ExchangeStepFigures> {
  const samples = {
    api: { first: [] as ExchangeStepRun[], rerun: [] as ExchangeStepRun[] },
    run: { first: [] as ExchangeStepRun[], rerun: [] as ExchangeStepRun[] },
  };
  for (let i = 0; i < options.runs; i++) {
    for (const mode of ['api', 'run'] as const) {
      const work = await mkdtemp(join(tmpdir(), 'entra-mail-bench-exchange-'));
      const sandbox = await startSandbox({ dir: join(work, 'sandbox'), knobs: { latencyMs: options.latencyMs } });
      try {
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: work,
          ...codeCacheHome(),
          ENTRA_MAIL_STATE_DIR: join(work, 'state'),
          ...adminEnvironment(sandbox.settings),
        };
        const common = ['--auth', 'env', '--ca-file', sandbox.settings.caFile];
        const made = await runWhole(
          bin,
          [
            'provision',
            ...common,
            '--yes',
            '--model',
            'smtp',
            '--name',
            'Bench Exchange',
            '--mailbox',
            'noreply@contoso.com',
            '--exchange',
            'skip',
          ],
          { env, cwd: work },
        );
        if (made.exitCode !== 0) throw new Error(`provision exited ${made.exitCode}: ${made.stderr.slice(0, 400)}`);
        const step = ['exchange-script', ...common, '--app', 'bench-exchange', '--mailbox', 'noreply@contoso.com'];
        step.push(...(mode === 'api' ? ['--exchange', 'api'] : ['--run', '--pwsh', sandbox.settings.pwshPath]));
        for (const phase of ['first', 'rerun'] as const) {
          const mark = sandbox.ctx.log.length;
          const figures = await runWhole(bin, step, { env, cwd: work });
          if (figures.exitCode !== 0)
            throw new Error(`exchange-script (${mode}) exited ${figures.exitCode}: ${figures.stderr.slice(0, 400)}`);
          samples[mode][phase].push({
            wallMs: figures.wallMs,
            calls: sandbox.ctx.log.slice(mark).filter((e) => e.kind === 'exchange').length,
          });
        }
      } finally {
        await sandbox.close();
        await rm(work, { recursive: true, force: true });
      }
    }
  }
  const summary = (runs: ExchangeStepRun[]): ExchangeStepRun => ({
    wallMs: median(runs.map((r) => r.wallMs)),
    calls: runs.at(-1)?.calls ?? 0,
  });
  return {
    api: { first: summary(samples.api.first), rerun: summary(samples.api.rerun) },
    run: { first: summary(samples.run.first), rerun: summary(samples.run.rerun) },
  };
}
