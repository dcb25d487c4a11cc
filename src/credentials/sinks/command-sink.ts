import { ExternalToolError, UsageError } from '../../core/errors.ts';
import type { DeliveredConfig, Sink } from '../types.ts';

const TIMEOUT_MS = 120_000;

/**
 * `--on-rotate CMD`: the command receives the new config as one JSON document on stdin
 * (`{"event":"rotated", …, "clientSecret": …}`), never in argv or its environment (docs/reliability.md#secret-in-argv).
 * CMD is split into words and run without a shell, so nothing in it is expanded twice; a hook
 * that needs a shell says so itself (`sh -c '…'`). On a failed verification it runs again with
 * `{"event":"rollback", …}` naming the key ids to go back to. Its own output is not shown: it
 * may echo what it was given. Its environment is `hookEnvironment`'s short list, never the
 * admin's credentials.
 */
export function commandSink(
  command: string,
  env: NodeJS.ProcessEnv,
  context: { tenantId: string; appId: string; uniqueName: string },
): Sink {
  const words = splitCommand(command);
  const [file, ...args] = words;
  if (!file) throw new UsageError('--on-rotate: give a command to run.', { flag: '--on-rotate' });
  let delivered: DeliveredConfig | undefined;
  const run = async (payload: string, event: string) => {
    const { execa } = await import('execa');
    const result = await execa(file, args, {
      input: payload,
      env: hookEnvironment(env),
      extendEnv: false,
      reject: false,
      timeout: TIMEOUT_MS,
      stdout: 'ignore',
      stderr: 'ignore',
    });
    if (result.failed) {
      const why = result.timedOut
        ? `did not finish within ${TIMEOUT_MS / 1000} s`
        : result.exitCode !== undefined
          ? `exited with code ${result.exitCode}`
          : `could not be started (${result.code ?? 'error'})`;
      throw new ExternalToolError(`--on-rotate command '${file}' ${why} on the '${event}' event.`, {
        step: 'deliver',
        object: `app ${context.appId}`,
        suggestion: 'Run the command by hand with a sample document on stdin to see its own error.',
      });
    }
  };
  return {
    id: `command:${file}`,
    describe: () => `command ${file}`,
    async deliver(config, beforeWrite) {
      await beforeWrite({});
      delivered = config;
      await run(config.document.reveal(), 'rotated');
    },
    async rollback() {
      if (!delivered) return;
      const payload = {
        event: 'rollback',
        tenantId: context.tenantId,
        clientId: context.appId,
        uniqueName: context.uniqueName,
        failedKeyId: delivered.credential.keyId,
        keyIds: delivered.previousKeyIds,
        reason: 'the new credential did not pass verification and was removed; keep using the previous one',
      };
      delivered = undefined;
      await run(`${JSON.stringify(payload)}\n`, 'rollback');
    },
    async commit() {
      delivered = undefined;
    },
    // What the command did with the config is its own business: the tool cannot look.
    holds: async () => undefined,
  };
}

/** Shell-like word splitting without any expansion: quotes group, a backslash escapes the next character. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError('--on-rotate: a quote is not closed.', { flag: '--on-rotate' });
  if (inWord) words.push(word);
  return words;
}

/** Variables a hook may need to run at all (locale, home, search path); nothing that signs in. */
const HOOK_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
];

/**
 * The `--on-rotate` command's environment: an allow-list, so the admin's `AZURE_CLIENT_SECRET`,
 * tokens and anything else the tool itself was given never reach it. It gets what it needs
 * on stdin.
 */
export function hookEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (HOOK_VARIABLES.includes(name.toUpperCase()) || name.startsWith('LC_'))) kept[name] = value;
  }
  return kept;
}
