import type { Argv } from 'yargs';

/** `--output`: what stdout carries. `json` is one document (the same as `--json`); `table` lines up rows. */
export const OUTPUT_FORMATS = ['text', 'table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Did the command line ask for JSON? Read before parsing, so even a parse error is reported as JSON. */
export function asksForJson(argv: string[]): boolean {
  return argv.some(
    (a, i) => a === '--json' || a === '--output=json' || a === '-o=json' || ((a === '--output' || a === '-o') && argv[i + 1] === 'json'),
  );
}

/** Options every command takes, in the "Output:" group of its help. */
export function withGlobalOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('output', {
      alias: 'o',
      type: 'string',
      choices: OUTPUT_FORMATS as unknown as string[],
      global: true,
      describe: 'stdout as text (default), table or json (--json is the same as --output json)',
    })
    .option('quiet', { alias: 'q', type: 'boolean', global: true, describe: 'No progress and no notes on stderr; errors and data only' })
    .middleware((argv) => {
      // One switch for the handlers: --output json and --json mean the same.
      const args = argv as Record<string, unknown>;
      if (args.output === 'json') args.json = true;
      else if (args.json === true) args.output = 'json';
    }, true) as unknown as Argv<T>;
}

/** Option groups of a command's help, in this order; keys the command does not have are left out. */
export const HELP_GROUPS: [string, string[]][] = [
  ['Sign-in:', ['tenant', 'auth', 'cloud', 'authority-host', 'graph-endpoint', 'smtp-host', 'ca-file', 'token-cache']],
  [
    'App:',
    [
      'profile',
      'model',
      'name',
      'unique-name',
      'app',
      'adopt',
      'restore-deleted',
      'app-id',
      'client-id',
      'mailbox',
      'to',
      'from',
      'sender-name',
      'secret-lifetime',
      'new-secret',
      'credential',
      'certificate-out',
      'redirect-uri',
      'site-url',
      'send-as',
      'secret-env',
      'secret-file',
      'secret-stdin',
      'certificate',
      'private-key',
    ],
  ],
  ['Exchange:', ['exchange', 'script-out', 'pwsh', 'exchange-auth', 'exchange-app-id', 'exchange-certificate', 'organization', 'removal']],
  ['Output:', ['format', 'out', 'show-secret', 'json', 'output', 'quiet', 'verbose']],
  ['Run:', ['dry-run', 'detailed-exitcode', 'yes', 'verify', 'send']],
];

/** Sorts a command's options into HELP_GROUPS; call at the end of its builder. */
export function groupHelp<T>(yargs: Argv<T>): Argv<T> {
  // getOptions() is yargs' own record of the options declared so far (not in its type definitions).
  const known = new Set(Object.keys((yargs as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key));
  let grouped = yargs;
  for (const [title, keys] of HELP_GROUPS) {
    const present = keys.filter((k) => known.has(k));
    if (present.length > 0) grouped = grouped.group(present, title);
  }
  return grouped;
}
