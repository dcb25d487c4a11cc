import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import type { CommandState } from './shared/command-state.ts';
import { adminEnvironment } from './sandbox.ts';

interface DemoArgs {
  model?: string;
  json?: boolean;
  verbose?: boolean;
}

/**
 * `entra-mail demo`: the README's "run it". Starts the sandbox in this process and runs the real
 * CLI against it — provision with the Exchange step run by the sandbox's pwsh stand-in — then
 * shows the config (secret masked) and where the full config was written. `run` is the command
 * table's entry point (src/commands/index.ts), passed in so the two do not import each other.
 */
export function demoCommand(
  deps: Deps,
  state: CommandState,
  run: (argv: string[], deps: Deps) => Promise<number>,
): CommandModule<object, DemoArgs> {
  return {
    command: 'demo',
    describe: 'Run provision → Exchange → verify end to end against an embedded sandbox tenant',
    builder: (y) =>
      y
        .option('model', {
          type: 'string',
          default: 'smtp',
          choices: ['graph', 'graph-rbac', 'smtp', 'smtp-rbac'],
          describe: 'Authorization model to demonstrate',
        })
        .option('json', { type: 'boolean', default: false, describe: 'JSON result on stdout' })
        .option('verbose', { type: 'boolean', default: false, describe: 'More detail on stderr' }) as never,
    handler: async (args) => {
      const { startSandbox } = await import('../sandbox/index.ts');
      const sandbox = await startSandbox();
      try {
        const s = sandbox.settings;
        const model = args.model ?? 'smtp';
        deps.stderr.write(`Sandbox tenant ${s.tenantId} (${s.tenantDomain}) started on 127.0.0.1; files in ${s.dir}\n\n`);
        const env = { ...deps.env, ...adminEnvironment(s), ENTRA_MAIL_STATE_DIR: join(s.dir, 'state') };
        const argv = [
          'provision',
          '--auth',
          'env',
          '--ca-file',
          s.caFile,
          '--model',
          model,
          '--name',
          'Contoso Mailer (demo)',
          '--mailbox',
          'noreply@contoso.com',
          '--exchange',
          model === 'graph' ? 'skip' : 'run',
          '--exchange-auth',
          'device',
          '--verify',
          '--out',
          join(s.dir, 'contoso-mailer.env'),
          '--script-out',
          join(s.dir, 'contoso-mailer.exchange.ps1'),
          ...(args.json ? ['--json'] : []),
          ...(args.verbose ? ['--verbose'] : []),
        ];
        state.exitCode = await run(argv, { ...deps, env, cwd: s.dir });
        for (const m of sandbox.ctx.state.mail.delivered) {
          deps.stderr.write(
            `\nSandbox mailbox: message '${m.subject}' from ${m.from} to ${m.to.join(', ')} delivered over ${m.via} at ${m.receivedAt}\n`,
          );
        }
        if (!args.json)
          deps.stderr.write(`\nTry it yourself: entra-mail sandbox, then the provision command it prints. Files of this run: ${s.dir}\n`);
      } finally {
        await sandbox.close();
      }
    },
  };
}
