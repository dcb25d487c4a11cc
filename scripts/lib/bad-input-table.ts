import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Harness } from './harness.ts';

/**
 * One malformed value for every flag of every command. Each row must end in exit 2 (6 for a missing
 * pwsh, as documented), a message that names the flag, and no request of any kind to the tenant — not even a token request: everything
 * local is checked before sign-in (docs/local-safety.md). `npm test` runs every row
 * (test/reliability/bad-input.test.ts, which also fails when a command has a flag without a row);
 * `npm run reliability` prints the figures.
 */
export interface BadInputRow {
  command: string;
  /** The flag the row is about, as `--help` lists it. */
  flag: string;
  label: string;
  argv: (h: Harness) => string[];
  /** Text the message must contain (default: the flag without its dashes). */
  names?: string;
  /** The documented exit code (default 2; a missing pwsh is 6, still before any request). */
  code?: number;
}

/** Files the path rows point at, made once in the harness directory. */
export async function prepareBadInputFiles(h: Harness): Promise<void> {
  await mkdir(join(h.dir, 'a-directory'), { recursive: true });
  await writeFile(join(h.dir, 'elsewhere.env'), 'keep\n');
  await symlink(join(h.dir, 'elsewhere.env'), join(h.dir, 'link.env')).catch(() => undefined);
  await mkdir(join(h.dir, 'open-to-all'), { recursive: true });
  await chmod(join(h.dir, 'open-to-all'), 0o777);
  await writeFile(join(h.dir, 'truncated-state.json'), '{"version":1,"ten');
  // The fleet file of plan / apply / rotate -f / status -f: the sandbox tenant with one app (docs/fleet.md).
  const fleet = `version: 1\ntenants:\n  - tenant: ${h.sandbox.settings.tenantId}\n    apps:\n      - { name: Bad Input Fleet, model: graph, mailboxes: [noreply@contoso.com] }\n`;
  await writeFile(join(h.dir, 'fleet.yaml'), fleet);
  await writeFile(join(h.dir, 'fleet-unknown-key.yaml'), fleet.replace('model: graph', 'model: graph, mailbox: x@contoso.com'));
  await writeFile(join(h.dir, 'fleet-bad-mailbox.yaml'), fleet.replace('noreply@contoso.com', 'noreply'));
}

const TENANT_COMMANDS = ['provision', 'rotate', 'status', 'verify', 'exchange-script', 'deprovision', 'plan', 'apply'] as const;

/** A valid invocation of each command, which every row then spoils in one place. */
function base(command: string, h: Harness): string[] {
  switch (command) {
    case 'provision':
      return ['provision', ...h.common, '--model', 'smtp', '--name', 'Bad Input', '--mailbox', 'noreply@contoso.com'];
    case 'rotate':
      return ['rotate', ...h.common, '--app', 'bad-input', '--out', 'rotated.env'];
    case 'status':
      return ['status', ...h.common];
    case 'verify':
      return [
        'verify',
        ...h.common,
        '--client-id',
        '00000000-0000-0000-0000-000000000001',
        '--mailbox',
        'noreply@contoso.com',
        '--secret-env',
        'AZURE_CLIENT_SECRET',
      ];
    case 'exchange-script':
      return ['exchange-script', ...h.common, '--app', 'bad-input'];
    case 'deprovision':
      return ['deprovision', ...h.common, '--app', 'bad-input', '--yes'];
    case 'sandbox messages':
      return ['sandbox', 'messages', '--dir', h.sandbox.settings.dir];
    case 'plan':
      return ['plan', '--file', join(h.dir, 'fleet.yaml'), ...h.common];
    case 'apply':
      return ['apply', '--file', join(h.dir, 'fleet.yaml'), ...h.common, '--yes'];
    default:
      return [command];
  }
}

/** The base invocation without `flags` (each with its value), so a row's own value is the only one. */
function without(argv: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (flags.includes(argv[i] as string)) i++;
    else out.push(argv[i] as string);
  }
  return out;
}

const row = (
  command: string,
  flag: string,
  label: string,
  extra: (h: Harness) => string[],
  options: { names?: string; code?: number; omit?: string[] } = {},
): BadInputRow => ({
  command,
  flag,
  label: `${command} ${label}`,
  argv: (h) => [...without(base(command, h), [flag, ...(options.omit ?? [])]), ...extra(h)],
  ...(options.names !== undefined ? { names: options.names } : {}),
  ...(options.code !== undefined ? { code: options.code } : {}),
});

/** The options every tenant command takes, each spoiled once per command. */
function tenantRows(command: string): BadInputRow[] {
  return [
    row(command, '--tenant', '--tenant neither GUID nor domain', () => ['--tenant', 'not a tenant']),
    row(command, '--auth', '--auth unknown', () => ['--auth', 'password']),
    row(command, '--cloud', '--cloud unknown', () => ['--cloud', 'mars']),
    row(command, '--authority-host', '--authority-host over http', () => ['--authority-host', 'http://127.0.0.1:1']),
    row(command, '--graph-endpoint', '--graph-endpoint with credentials', () => ['--graph-endpoint', 'https://user:pw@127.0.0.1:1']),
    row(command, '--smtp-host', '--smtp-host without a port', () => ['--smtp-host', 'smtp.office365.com']),
    row(command, '--ca-file', '--ca-file missing', (h) => ['--ca-file', join(h.dir, 'missing.pem')]),
    row(command, '--json', '--json with a value', () => ['--json=maybe']),
    row(command, '--dry-run', '--dry-run with a value', () => ['--dry-run=maybe']),
    row(command, '--yes', '--yes with a value', () => ['--yes=maybe']),
    row(command, '--verbose', '--verbose with a value', () => ['--verbose=loud']),
    row(command, '--token-cache', '--token-cache with a value', () => ['--token-cache=maybe']),
    row(command, '--no-token-cache', '--no-token-cache with a value', () => ['--no-token-cache=maybe'], { names: 'token-cache' }),
    ...globalRows(command),
  ];
}

/** The options every command takes. */
function globalRows(command: string): BadInputRow[] {
  return [
    row(command, '--output', '--output unknown', () => ['--output', 'xml']),
    row(command, '--quiet', '--quiet with a value', () => ['--quiet=maybe']),
  ];
}

const P = 'provision';
const R = 'rotate';
const X = 'exchange-script';
const D = 'deprovision';
const V = 'verify';
const S = 'sandbox';

const ROWS: BadInputRow[] = [
  ...TENANT_COMMANDS.flatMap(tenantRows),
  row(P, '--profile', '--profile unknown', () => ['--profile', '../profiles/dnn']),
  row(P, '--model', '--model unknown', () => ['--model', 'smtp2']),
  row(P, '--app', '--app with a space', () => ['--app', 'a b']),
  row(P, '--app', '--app and --unique-name together', () => ['--app', 'a', '--unique-name', 'b']),
  row(P, '--adopt', '--adopt not a client id', () => ['--adopt', 'contoso-mailer']),
  row(P, '--adopt', '--adopt and --restore-deleted together', () => [
    '--adopt',
    '11111111-2222-3333-4444-555555555555',
    '--restore-deleted',
  ]),
  row(P, '--restore-deleted', '--restore-deleted with a value', () => ['--restore-deleted=maybe']),
  row(P, '--name', '--name with a newline', () => ['--name', 'Mailer\n; Remove-Mailbox -Identity x']),
  row(P, '--name', '--name too long', () => ['--name', 'x'.repeat(121)]),
  row(P, '--name', '--name with a right-to-left override', () => ['--name', 'Mailer \u202eexe.fdp']),
  row(P, '--unique-name', '--unique-name with OData metacharacters', () => ['--unique-name', "a' or startswith(displayName,'"]),
  row(P, '--unique-name', '--unique-name with PowerShell metacharacters', () => ['--unique-name', 'a;$(Remove-Mailbox)']),
  row(P, '--mailbox', '--mailbox without a domain', () => ['--mailbox', 'noreply']),
  row(P, '--mailbox', '--mailbox with a PowerShell quote', () => ['--mailbox', "o'brien@contoso.com"]),
  row(P, '--mailbox', '--mailbox with a newline', () => ['--mailbox', 'a@contoso.com\nRemove-Mailbox x']),
  row(P, '--mailbox', '--mailbox empty among others', () => ['--mailbox', '']),
  row(P, '--sender-name', '--sender-name with bidi isolates', () => ['--sender-name', 'Payroll \u2066x\u2069']),
  row(P, '--secret-lifetime', '--secret-lifetime over 24 months', () => ['--secret-lifetime', '25mo']),
  row(P, '--secret-lifetime', '--secret-lifetime zero', () => ['--secret-lifetime', '0d']),
  row(P, '--secret-lifetime', '--secret-lifetime negative', () => ['--secret-lifetime=-5d']),
  row(P, '--new-secret', '--new-secret with a value', () => ['--new-secret=maybe']),
  row(P, '--credential', '--credential unknown', () => ['--credential', 'password']),
  row(P, '--certificate-out', '--certificate-out without certificate', () => ['--certificate-out', 'x.pem']),
  row(P, '--certificate-out', '--certificate-out a directory', () => ['--credential', 'certificate', '--certificate-out', 'a-directory']),
  row(P, '--exchange', '--exchange unknown', () => ['--exchange', 'later']),
  row(P, '--script-out', '--script-out equal to --out', () => ['--out', 'same.txt', '--script-out', 'same.txt']),
  row(P, '--script-out', '--script-out a directory', () => ['--script-out', 'a-directory']),
  row(P, '--script-out', '--script-out a symbolic link', () => ['--script-out', 'link.env']),
  row(P, '--pwsh', '--pwsh not found for --exchange run', (h) => ['--exchange', 'run', '--pwsh', join(h.dir, 'no-such-pwsh')], {
    names: 'no-such-pwsh',
    code: 6,
  }),
  row(P, '--exchange-auth', '--exchange-auth unknown', () => ['--exchange-auth', 'password']),
  row(P, '--exchange-timeout', '--exchange-timeout not a duration', () => ['--exchange-timeout', 'soon']),
  row(P, '--exchange-endpoint', '--exchange-endpoint over http', () => ['--exchange-endpoint', 'http://outlook.office365.com']),
  row(P, '--exchange-auth', '--exchange-auth certificate without its files', () => ['--exchange-auth', 'certificate']),
  row(P, '--exchange-app-id', '--exchange-app-id not a GUID', () => [
    '--exchange-auth',
    'certificate',
    '--exchange-app-id',
    'not-a-guid',
    '--exchange-certificate',
    'x.pfx',
  ]),
  row(P, '--exchange-certificate', '--exchange-certificate missing for --exchange run', (h) => [
    '--exchange',
    'run',
    '--pwsh',
    h.sandbox.settings.pwshPath,
    '--exchange-auth',
    'certificate',
    '--exchange-app-id',
    '00000000-0000-0000-0000-000000000002',
    '--exchange-certificate',
    join(h.dir, 'missing.pfx'),
  ]),
  row(P, '--format', '--format unknown for the profile', () => ['--format', 'xml']),
  row(P, '--out', '--out a directory', () => ['--out', 'a-directory']),
  row(P, '--out', '--out a symbolic link', () => ['--out', 'link.env']),
  row(P, '--out', '--out a device', () => ['--out', '/dev/null']),
  row(P, '--out', '--out in a missing directory', () => ['--out', 'no-such-dir/x.env']),
  row(P, '--out', '--out empty', () => ['--out', '']),
  row(P, '--out', '--out with a newline', () => ['--out', 'x.env\n']),
  row(P, '--show-secret', '--show-secret with a value', () => ['--show-secret=maybe']),
  row(P, '--redirect-uri', '--redirect-uri over http off localhost', () => ['--redirect-uri', 'http://example.com/cb']),
  row(P, '--site-url', '--site-url over http', () => ['--profile', 'dnn', '--site-url', 'http://example.com']),
  row(P, '--send-as', '--send-as not an address', () => ['--send-as', 'everyone']),
  row(P, '--detailed-exitcode', '--detailed-exitcode without --dry-run', () => ['--detailed-exitcode']),
  row(P, '--verify', '--verify with a value', () => ['--verify=maybe']),
  row(P, '--to', '--to not an address', () => ['--verify', '--to', 'nobody']),

  row(R, '--app', '--app and --all together', () => ['--app', 'x', '--all', '--expiring-within', '30d']),
  row(R, '--app', '--app with OData metacharacters', () => ['--app', "x' or 1 eq 1"]),
  row(R, '--all', '--all without a window', () => ['--all'], { omit: ['--app'], names: 'expiring-within' }),
  row(R, '--expiring-within', '--expiring-within not a window', () => ['--expiring-within', 'thirty']),
  row(R, '--expiring-within', '--expiring-within negative', () => ['--expiring-within=-1d']),
  row(R, '--credential', '--credential unknown', () => ['--credential', 'password']),
  row(R, '--secret-lifetime', '--secret-lifetime over 24 months', () => ['--secret-lifetime', '3y']),
  row(R, '--keep', '--keep out of range', () => ['--keep', '11']),
  row(R, '--grace', '--grace not a duration', () => ['--grace', '5x']),
  row(R, '--out', '--out a directory', () => ['--out', 'a-directory']),
  row(R, '--out', '--out a symbolic link', () => ['--out', 'link.env']),
  row(R, '--out', '--out in a missing directory', () => ['--out', 'no-such-dir/x.env']),
  row(R, '--show-secret', '--show-secret with --all', () => ['--show-secret', '--all', '--expiring-within', '30d'], {
    omit: ['--app', '--out'],
  }),
  row(R, '--on-rotate', '--on-rotate with an unclosed quote', () => ['--on-rotate', '"unterminated']),
  row(R, '--on-rotate', '--on-rotate only spaces', () => ['--on-rotate', '   ']),
  row(R, '--key-vault', '--key-vault over http', () => ['--key-vault', 'http://contoso.vault.azure.net']),
  row(R, '--key-vault', '--key-vault not a vault host', () => ['--key-vault', 'https://graph.microsoft.com']),
  row(R, '--key-vault-secret', '--key-vault-secret not a vault name', () => [
    '--key-vault',
    'https://contoso.vault.azure.net',
    '--key-vault-secret',
    'bad name!',
  ]),
  row(R, '--key-vault-secret', '--key-vault-secret without --key-vault', () => ['--key-vault-secret', 'x']),
  row(R, '--certificate-out', '--certificate-out a directory', () => ['--credential', 'certificate', '--certificate-out', 'a-directory']),
  row(R, '--profile', '--profile unknown', () => ['--profile', 'nope', '--mailbox', 'noreply@contoso.com']),
  row(R, '--format', '--format unknown for the profile', () => [
    '--profile',
    'generic-smtp',
    '--mailbox',
    'noreply@contoso.com',
    '--format',
    'xml',
  ]),
  row(R, '--mailbox', '--mailbox malformed', () => ['--profile', 'generic-smtp', '--mailbox', 'noreply']),
  row(R, '--sender-name', '--sender-name with a newline', () => [
    '--profile',
    'generic-smtp',
    '--mailbox',
    'a@contoso.com',
    '--sender-name',
    'a\nb',
  ]),
  row(R, '--site-url', '--site-url over http', () => [
    '--profile',
    'dnn',
    '--mailbox',
    'a@contoso.com',
    '--site-url',
    'http://example.com',
  ]),
  row(R, '--verify-timeout', '--verify-timeout zero', () => ['--verify-timeout', '0']),

  row('status', '--expiring-within', '--expiring-within not a window', () => ['--expiring-within', '30x']),

  // Fleet mode: the file, --concurrency and --shard on every command that takes -f.
  ...(['plan', 'apply', R, 'status'] as const).flatMap((c) => {
    const file = (h: Harness, name = 'fleet.yaml') => ['--file', join(h.dir, name)];
    const omit = c === R ? ['--app', '--out'] : c === 'status' ? [] : ['--file'];
    return [
      row(c, '--file', '--file missing', (h) => file(h, 'no-such-fleet.yaml'), { omit }),
      row(c, '--file', '--file with an unknown key', (h) => file(h, 'fleet-unknown-key.yaml'), {
        omit,
        names: 'apps[0].mailbox: unknown key',
      }),
      row(c, '--file', '--file with a bad mailbox', (h) => file(h, 'fleet-bad-mailbox.yaml'), { omit, names: 'apps[0].mailboxes' }),
      row(c, '--concurrency', '--concurrency zero', (h) => [...file(h), '--concurrency', '0'], { omit }),
      row(c, '--shard', '--shard past the count', (h) => [...file(h), '--shard', '5/4'], { omit }),
    ];
  }),
  row('plan', '--detailed-exitcode', '--detailed-exitcode with a value', () => ['--detailed-exitcode=maybe']),

  row(V, '--client-id', '--client-id not a GUID', () => ['--client-id', "x' or 1 eq 1"]),
  row(V, '--model', '--model unknown', () => ['--model', 'bogus']),
  row(V, '--mailbox', '--mailbox malformed', () => ['--mailbox', 'no reply@contoso.com']),
  row(V, '--to', '--to malformed', () => ['--to', 'nobody']),
  row(V, '--from', '--from malformed', () => ['--from', 'x@']),
  row(V, '--secret-env', '--secret-env not a variable name', () => ['--secret-env', 'A-B']),
  row(V, '--secret-file', '--secret-file missing', (h) => ['--secret-file', join(h.dir, 'nope')], { omit: ['--secret-env'] }),
  row(V, '--secret-stdin', '--secret-stdin with --secret-file', (h) => ['--secret-stdin', '--secret-file', join(h.dir, 'nope')], {
    names: 'secret-',
    omit: ['--secret-env'],
  }),
  row(V, '--certificate', '--certificate missing', (h) => ['--certificate', join(h.dir, 'c.pem'), '--private-key', join(h.dir, 'k.pem')]),
  row(V, '--private-key', '--certificate without --private-key', (h) => ['--certificate', join(h.dir, 'c.pem')]),
  row(V, '--send', '--send with a value', () => ['--send=maybe']),

  ...[X, D].flatMap((c) => [
    row(c, '--app', '--app with a space', () => ['--app', 'a b']),
    row(c, '--app-id', '--app-id not a GUID', () => ['--app-id', 'x']),
    row(c, '--unique-name', '--unique-name with a quote', () => ['--unique-name', "a'b"]),
    row(c, '--exchange-auth', '--exchange-auth unknown', () => ['--exchange-auth', 'password']),
    row(c, '--exchange-app-id', '--exchange-app-id not a GUID', () => [
      '--exchange-auth',
      'certificate',
      '--exchange-app-id',
      'nope',
      '--exchange-certificate',
      'x.pfx',
    ]),
    row(c, '--exchange-certificate', '--exchange-certificate without --exchange-app-id', () => [
      '--exchange-auth',
      'certificate',
      '--exchange-certificate',
      'x.pfx',
    ]),
    row(
      c,
      '--pwsh',
      '--pwsh not found for a run',
      (h) => [...(c === X ? ['--run'] : ['--exchange', 'run']), '--pwsh', join(h.dir, 'no-pwsh')],
      { names: 'no-pwsh', code: 6 },
    ),
    row(c, '--model', '--model unknown', () => ['--model', 'bogus']),
    row(c, '--exchange-timeout', '--exchange-timeout zero', () => ['--exchange-timeout', '0s']),
    row(c, '--exchange-endpoint', '--exchange-endpoint with credentials', () => [
      '--exchange-endpoint',
      'https://u:p@outlook.office365.com',
    ]),
    row(c, '--mailbox', '--mailbox malformed', () => ['--mailbox', 'x']),
    row(c, '--send-as', '--send-as malformed', () => ['--send-as', 'x']),
    row(c, '--script-out', '--script-out a directory', () => ['--script-out', 'a-directory']),
  ]),
  row(X, '--profile', '--profile unknown', () => ['--profile', 'nope']),
  row(X, '--exchange', '--exchange unknown', () => ['--exchange', 'later']),
  row(X, '--removal', '--removal with a value', () => ['--removal=maybe']),
  row(X, '--run', '--run with a value', () => ['--run=maybe']),
  row(D, '--exchange', '--exchange unknown', () => ['--exchange', 'later']),
  row(D, '--purge', '--purge with a value', () => ['--purge=maybe']),

  row(S, '--port', '--port out of range', () => ['--port', '70000']),
  row(S, '--smtp-port', '--smtp-port negative', () => ['--smtp-port', '-1']),
  row(S, '--dir', '--dir that others can write', (h) => ['--dir', join(h.dir, 'open-to-all')]),
  row(S, '--dir', '--dir a file', (h) => ['--dir', join(h.dir, 'elsewhere.env')]),
  row(S, '--state', '--state in a missing directory', (h) => ['--state', join(h.dir, 'no-such-dir', 'state.json')]),
  row(S, '--state', '--state a directory', (h) => ['--state', join(h.dir, 'a-directory')]),
  row(S, '--state', '--state truncated', (h) => ['--state', join(h.dir, 'truncated-state.json')]),
  row(S, '--latency-ms', '--latency-ms negative', () => ['--latency-ms', '-1']),
  row(S, '--filler', '--filler negative', () => ['--filler', '-5']),
  row(S, '--tenants', '--tenants zero', () => ['--tenants', '0']),
  row(S, '--replication-ms', '--replication-ms not a number', () => ['--replication-ms', 'abc']),
  row(S, '--throttle-every', '--throttle-every negative', () => ['--throttle-every', '-3']),
  row(S, '--fail-rate', '--fail-rate above 1', () => ['--fail-rate', '2']),
  row(S, '--fault', '--fault without an action', () => ['--fault', 'POST /addPassword$']),
  row(S, '--fault', '--fault with an unknown action', () => ['--fault', 'POST /addPassword$ explode']),
  row(S, '--page-size', '--page-size above 999', () => ['--page-size', '1000']),
  row(S, '--proxy-port', '--proxy-port out of range', () => ['--proxy-port', '70000']),
  row(S, '--json', '--json with a value', () => ['--json=maybe']),
  row(S, '--show-secret', '--show-secret with a value', () => ['--show-secret=maybe']),
  row('sandbox messages', '--dir', '--dir missing', (h) => ['--dir', join(h.dir, 'no-such-sandbox')]),
  row('sandbox messages', '--to', '--to malformed', () => ['--to', 'nobody']),
  row('sandbox messages', '--json', '--json with a value', () => ['--json=maybe']),
  row('demo', '--model', '--model unknown', () => ['--model', 'bogus']),
  row('demo', '--json', '--json with a value', () => ['--json=maybe']),
  row('demo', '--verbose', '--verbose with a value', () => ['--verbose=loud']),
  row('profiles', '--json', '--json with a value', () => ['--json=maybe']),
  ...['sandbox', 'demo', 'profiles'].flatMap(globalRows),
];

export function badInputRows(): BadInputRow[] {
  return ROWS;
}

/** The flags `--help` lists for a command, less --help and --version (and, for `sandbox messages`, its parent's). */
export function flagsInHelp(help: string): string[] {
  const flags = [...help.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] as string);
  return [...new Set(flags)].filter((f) => f !== '--help' && f !== '--version');
}

export const COMMANDS = [...TENANT_COMMANDS, 'sandbox', 'sandbox messages', 'demo', 'profiles'] as const;

export interface BadInputFigures {
  rows: number;
  flags: number;
  /** Flags `--help` lists without a row. */
  uncovered: string[];
  /** Rows answered with exit 2, the flag named and no request. */
  clean: number;
  failures: string[];
}

/** Runs every row against the harness's sandbox; the figures `npm run reliability` prints. */
export async function runBadInputTable(h: Harness): Promise<BadInputFigures> {
  await prepareBadInputFiles(h);
  const rows = badInputRows();
  const failures: string[] = [];
  for (const r of rows) {
    const problem = await checkRow(h, r);
    if (problem) failures.push(`${r.label}: ${problem}`);
  }
  const uncovered = await findUncoveredFlags(h, rows);
  const flags = new Set(rows.map((r) => `${r.command} ${r.flag}`)).size;
  return { rows: rows.length, flags, uncovered, clean: rows.length - failures.length, failures };
}

/** undefined when the row was answered cleanly; else what was wrong. */
export async function checkRow(h: Harness, r: BadInputRow): Promise<string | undefined> {
  const before = h.sandbox.ctx.log.length;
  const result = await h.run(r.argv(h));
  const requests = h.sandbox.ctx.log.slice(before).map((e) => `${e.method} ${e.path}`);
  const names = r.names ?? r.flag.replace(/^--/, '');
  if (result.code !== (r.code ?? 2)) return `exit ${result.code}: ${result.stderr.slice(0, 400)}`;
  if (!result.stderr.includes(names)) return `the message does not name ${names}: ${result.stderr.slice(0, 400)}`;
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(result.stderr)) return 'a stack trace reached stderr';
  if (requests.length > 0) return `requests were sent: ${requests.join(', ')}`;
  return undefined;
}

export async function findUncoveredFlags(h: Harness, rows: BadInputRow[]): Promise<string[]> {
  const parentFlags = flagsInHelp((await h.run(['sandbox', '--help'])).stdout);
  const missing: string[] = [];
  for (const command of COMMANDS) {
    const help = (await h.run([...command.split(' '), '--help'])).stdout;
    const own = flagsInHelp(help).filter(
      (f) => command !== 'sandbox messages' || !parentFlags.includes(f) || f === '--dir' || f === '--json',
    );
    for (const flag of own) if (!rows.some((r) => r.command === command && r.flag === flag)) missing.push(`${command} ${flag}`);
  }
  return missing;
}
