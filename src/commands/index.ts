import { setMaxListeners } from 'node:events';
import yargs, { type Argv, type CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import { terminalSafe } from '../core/terminal-text.ts';
import { VERSION } from '../core/version.ts';
import { provisionCommand } from './provision/handler.ts';
import type { CommandState } from './shared/command-state.ts';
import { reportError } from './shared/report.ts';
import { asksForJson, groupHelp, withGlobalOptions } from './shared/cli-conventions.ts';
import { EXAMPLES } from './shared/examples.ts';
import { sandboxCommand } from './sandbox.ts';
import { demoCommand } from './demo.ts';
import { profilesCommand } from './profiles.ts';
import { verifyCommand } from './verify.ts';
import { rotateCommand } from './rotate/handler.ts';
import { statusCommand } from './status.ts';
import { exchangeScriptCommand } from './exchange-script.ts';
import { deprovisionCommand } from './deprovision.ts';
import { doctorCommand } from './doctor.ts';
import { loginCommand, logoutCommand } from './login.ts';
import { whoamiCommand } from './whoami.ts';
import { applyCommand, planCommand } from './fleet/plan-apply.ts';

/**
 * Parse argv with the real yargs parser and run one command; returns the exit code. Tests call
 * this in-process with their own Deps.
 */
export async function run(given: string[], unsafe: Deps): Promise<number> {
  // No arguments: the help, as git, gh and az do, rather than an error.
  const argv = given.length === 0 ? ['--help'] : given;
  const state: CommandState = { exitCode: 0, json: asksForJson(argv), verbose: argv.includes('--verbose') };
  const own = (value: unknown) => ({ value, enumerable: true, writable: true, configurable: true });
  const ended = new AbortController();
  // Every request and retry wait of the run listens to it: many at once in fleet mode, none left once they settle.
  setMaxListeners(0, ended.signal);
  // Copied with its getters: main.ts opens stdin only when a command reads it (docs/performance.md#start-up).
  const deps = Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(unsafe),
      // Everything the commands print passes through one escape (src/core/terminal-text.ts).
      stdout: own(terminalSafe(unsafe.stdout)),
      stderr: own(terminalSafe(unsafe.stderr)),
      ended: own(ended.signal),
      createAdminCredential: own(async (signIn: Parameters<Deps['createAdminCredential']>[0]) => {
        const credential = await unsafe.createAdminCredential(signIn);
        state.contacted = true;
        return credential;
      }),
    },
  ) as Deps;
  const commands = [
    provisionCommand(deps, state),
    sandboxCommand(deps, state),
    demoCommand(deps, state, run),
    profilesCommand(deps, state),
    verifyCommand(deps, state),
    rotateCommand(deps, state),
    statusCommand(deps, state),
    exchangeScriptCommand(deps, state),
    deprovisionCommand(deps, state),
    loginCommand(deps, state),
    logoutCommand(deps, state),
    whoamiCommand(deps, state),
    doctorCommand(deps, state),
    planCommand(deps, state),
    applyCommand(deps, state),
  ].map((command) => withHelpConventions(command as CommandModule));
  const parser: Argv = withGlobalOptions(yargs(argv))
    .scriptName('entra-mail')
    .usage(
      '$0 <command> [options]\n\nRegister and maintain the Entra app a business application needs to send mail through Exchange Online with OAuth2.',
    )
    .command(commands as never)
    .completion('completion', 'Print a shell completion script: entra-mail completion >> ~/.bashrc (or ~/.zshrc)')
    .middleware(
      (parsed) => refuseMalformedSwitches(argv, parsed, (parser as unknown as { getOptions(): ParserOptions }).getOptions()),
      true,
    )
    .demandCommand(1, 'Name a command (entra-mail --help lists them).')
    .recommendCommands()
    .strict()
    .exitProcess(false)
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, (deps.stdout as { columns?: number }).columns ?? 100))
    .fail((message, error) => {
      if (error) throw error;
      // recommendCommands: "Did you mean provision?" — say which word was not understood, too.
      if (message?.startsWith('Did you mean')) throw new UsageError(`Unknown command '${argv[0]}'. ${message}`);
      throw new UsageError(message ?? 'bad arguments');
    });
  skipHelpCache(parser);
  try {
    let output = '';
    await parser.parseAsync(argv, {}, (_err, _parsed, text) => {
      output = text ?? '';
    });
    if (output) deps.stdout.write(`${output}\n`);
    return state.exitCode;
  } catch (error) {
    return reportError(error, deps, state);
  } finally {
    // What the command started and no longer waits for (a read beside one that failed, still retrying) stops now.
    ended.abort(new Error('the command has ended'));
  }
}

/**
 * Before running a command's handler yargs renders that command's whole help text and keeps it, in
 * case help is shown after the handler (yargs' lib/command.js calls `cacheHelpMessage`). Failures
 * here throw instead of showing help, so the text is never used, and rendering it cost every
 * command run some 25 ms of CPU (docs/performance.md#start-up). `--help` itself is not affected.
 */
function skipHelpCache(parser: Argv): void {
  const internal = parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = internal.getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

interface ParserOptions {
  boolean: string[];
  array: string[];
  string: string[];
  number: string[];
}

/**
 * Two things yargs lets pass quietly: `--verbose=loud` (read as false) and a single-value flag given
 * twice (`--out a --out b` becomes a list the command never expects). Both are usage errors, like
 * every other bad value.
 */
function refuseMalformedSwitches(argv: string[], parsed: Record<string, unknown>, options: ParserOptions): void {
  const dashed = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const switches = new Set(options.boolean.flatMap((b) => [b, dashed(b)]));
  for (const token of argv) {
    const match = /^--(?:no-)?([^=]+)=(.*)$/s.exec(token);
    if (match && switches.has(match[1] as string) && !/^(true|false)$/.test(match[2] as string)) {
      throw new UsageError(`--${match[1]} is a switch: give it no value (or =true / =false).`, { flag: `--${match[1]}` });
    }
  }
  const lists = new Set(options.array);
  for (const name of [...options.string, ...options.number, ...options.boolean]) {
    if (Array.isArray(parsed[name]) && !lists.has(name))
      throw new UsageError(`--${dashed(name)}: given more than once.`, { flag: `--${dashed(name)}` });
  }
}

/** Each command's help: its examples (src/commands/shared/examples.ts) and its options in groups. */
function withHelpConventions(command: CommandModule): CommandModule {
  const name = String(command.command).split(' ')[0] as string;
  const builder = command.builder;
  return {
    ...command,
    builder: (y: Argv) => {
      const built = (typeof builder === 'function' ? builder(y) : builder ? y.options(builder) : y) as Argv;
      let withExamples = built;
      for (const [example, description] of EXAMPLES[name] ?? []) withExamples = withExamples.example(example, description);
      return groupHelp(withExamples);
    },
  };
}
