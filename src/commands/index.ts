import yargs, { type Argv } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import { VERSION } from '../core/version.ts';
import { provisionCommand } from './provision/handler.ts';
import type { CommandState } from './shared/command-state.ts';
import { reportError } from './shared/report.ts';
import { sandboxCommand } from './sandbox.ts';
import { demoCommand } from './demo.ts';
import { profilesCommand } from './profiles.ts';
import { verifyCommand } from './verify.ts';
import { rotateCommand } from './rotate/handler.ts';
import { statusCommand } from './status.ts';
import { exchangeScriptCommand } from './exchange-script.ts';
import { deprovisionCommand } from './deprovision.ts';

/**
 * Parse argv with the real yargs parser and run one command; returns the exit code. Tests call
 * this in-process with their own Deps.
 */
export async function run(argv: string[], deps: Deps): Promise<number> {
  const state: CommandState = { exitCode: 0, json: argv.includes('--json'), verbose: argv.includes('--verbose') };
  const parser: Argv = yargs(argv)
    .scriptName('entra-mail')
    .usage(
      '$0 <command> [options]\n\nRegister and maintain the Entra app a business application needs to send mail through Exchange Online with OAuth2.',
    )
    .command([
      provisionCommand(deps, state),
      sandboxCommand(deps, state),
      demoCommand(deps, state, run),
      profilesCommand(deps, state),
      verifyCommand(deps, state),
      rotateCommand(deps, state),
      statusCommand(deps, state),
      exchangeScriptCommand(deps, state),
      deprovisionCommand(deps, state),
    ] as never)
    .demandCommand(1, 'Name a command (entra-mail --help lists them).')
    .strict()
    .exitProcess(false)
    .version(VERSION)
    .help()
    .wrap(Math.min(110, (deps.stdout as { columns?: number }).columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message ?? 'bad arguments');
    });
  try {
    let output = '';
    await parser.parseAsync(argv, {}, (_err, _parsed, text) => {
      output = text ?? '';
    });
    if (output) deps.stdout.write(`${output}\n`);
    return state.exitCode;
  } catch (error) {
    return reportError(error, deps, state);
  }
}
