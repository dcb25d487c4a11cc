import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Argument, BoundArguments } from './commands.ts';
import { ScriptBlock } from './commands.ts';
import type { Interpreter } from './interpreter.ts';
import { parts } from './syntax.ts';
import { PSRuntimeError, UnsupportedConstructError } from './runtime-error.ts';
import type { PSValue } from './values.ts';
import { PSSecureString, collapse, enumerate, isTruthy, toDisplayString, toJson } from './values.ts';

type Builtin = (interp: Interpreter, args: BoundArguments, input: PSValue[] | undefined) => Promise<PSValue[]>;

/** The stand-in's own commands: what the templates use around the Exchange cmdlets. */
export const BUILTINS: Record<string, { parameters: string[]; run: Builtin }> = {
  'Where-Object': { parameters: [], run: whereObject },
  'Write-Output': { parameters: ['InputObject'], run: async (_i, args) => values(args).flatMap(enumerate) },
  'Write-Host': {
    parameters: ['Object', 'NoNewline'],
    run: async (interp, args) => {
      interp.host.stdout([...values(args)].map(toDisplayString).join(' '));
      return [];
    },
  },
  'Start-Sleep': {
    parameters: ['Seconds', 'Milliseconds'],
    run: async (interp, args) => {
      // Honoured but scaled: each second asked for sleeps sleepMsPerSecond ms (default 10), so a
      // 5-minute retry loop runs in seconds against the sandbox.
      const seconds = args.named.get('milliseconds')
        ? Number(scalar(args, 'milliseconds')) / 1000
        : Number(scalar(args, 'seconds') ?? args.positional[0] ?? 0);
      if (!Number.isFinite(seconds) || seconds < 0) throw new PSRuntimeError('Start-Sleep needs a non-negative number');
      await interp.host.sleep(seconds * (interp.host.session.sleepMsPerSecond ?? 10));
      return [];
    },
  },
  'ConvertTo-Json': {
    parameters: ['InputObject', 'Compress', 'Depth'],
    run: async (_interp, args, input) => {
      const value = args.named.has('inputobject') ? scalar(args, 'inputobject') : collapse(input ?? []);
      const depth = Number(scalar(args, 'depth') ?? 2);
      const json = toJson(value ?? null, depth);
      return [args.named.has('compress') ? JSON.stringify(json) : JSON.stringify(json, null, 2)];
    },
  },
  'ConvertTo-SecureString': {
    parameters: ['String', 'AsPlainText', 'Force'],
    run: async (_interp, args) => [new PSSecureString(toDisplayString(scalar(args, 'string') ?? null).length)],
  },
  'Connect-ExchangeOnline': {
    parameters: [
      'Device',
      'UserPrincipalName',
      'AppId',
      'CertificateFilePath',
      'CertificatePassword',
      'Organization',
      'ExchangeEnvironmentName',
      'ShowBanner',
    ],
    run: async (interp, args) => {
      if (args.named.has('appid') && !args.named.has('organization')) {
        throw new PSRuntimeError('App-only sign-in needs -Organization <tenant>.onmicrosoft.com.', { cmdlet: 'Connect-ExchangeOnline' });
      }
      if (args.named.has('device')) await waitForDeviceSignIn(interp);
      interp.connected = true;
      interp.host.stderr(`PS> Connect-ExchangeOnline (sandbox session as ${interp.host.session.userPrincipalName})`);
      return [];
    },
  },
  'Disconnect-ExchangeOnline': {
    parameters: ['Confirm'],
    run: async (interp) => {
      interp.connected = false;
      interp.host.stderr('PS> Disconnect-ExchangeOnline');
      return [];
    },
  },
};

/** Runs a builtin after checking its parameter names (unknown ones fail closed). */
export async function runBuiltin(
  interp: Interpreter,
  name: string,
  args: BoundArguments,
  input: PSValue[] | undefined,
): Promise<PSValue[]> {
  const builtin = BUILTINS[name]!;
  const known = new Set(builtin.parameters.map((p) => p.toLowerCase()));
  for (const parameter of args.named.values()) {
    if (!known.has(parameter.name.toLowerCase())) throw new UnsupportedConstructError(`the parameter -${parameter.name} of ${name}`);
  }
  if (name !== 'Where-Object' && args.positional.some((a) => a instanceof ScriptBlock))
    throw new UnsupportedConstructError(`a script block argument to ${name}`);
  return builtin.run(interp, args, input);
}

function scalar(args: BoundArguments, name: string): PSValue | undefined {
  const value = args.named.get(name)?.value;
  if (value instanceof ScriptBlock) throw new UnsupportedConstructError('a script block here');
  return value;
}

function values(args: BoundArguments): PSValue[] {
  const all: Argument[] = [...args.positional, ...[...args.named.values()].map((entry) => entry.value)];
  return all.filter((value): value is PSValue => !(value instanceof ScriptBlock));
}

/** `Where-Object { … }`: the block runs once per input item with `$_` set to it. */
async function whereObject(interp: Interpreter, args: BoundArguments, input: PSValue[] | undefined): Promise<PSValue[]> {
  const [block] = args.positional;
  if (!(block instanceof ScriptBlock) || args.positional.length !== 1 || args.named.size > 0)
    throw new UnsupportedConstructError('Where-Object without exactly one script block');
  const body = parts(block.node).find((child) => child.type === 'script_block');
  const statements = body ? parts(body).flatMap((child) => (child.type === 'script_block_body' ? parts(child) : [child])) : [];
  if (statements.some((s) => s.type !== 'statement_list')) throw new UnsupportedConstructError('param blocks in a script block');
  const kept: PSValue[] = [];
  const previous = interp.readVariable('$_');
  for (const item of input ?? []) {
    interp.setVariable('_', item);
    const output: PSValue[] = [];
    for (const list of statements) await interp.execStatements(list, (value) => output.push(value));
    if (isTruthy(collapse(output))) kept.push(item);
  }
  interp.setVariable('_', previous);
  return kept;
}

/**
 * `Connect-ExchangeOnline -Device` prints a URL and a code and waits until the admin has signed in
 * in a browser (docs/exchange-powershell.md#connecting). The stand-in prints the same kind of line;
 * with ENTRA_MAIL_PWSH_DEVICE_SIGN_IN set to a file path it waits until that file exists (the
 * sign-in completing), else it goes on at once, as the sandbox approves its own admin.
 */
async function waitForDeviceSignIn(interp: Interpreter): Promise<void> {
  const code = randomBytes(5).toString('hex').toUpperCase().slice(0, 9);
  interp.host.stdout(
    `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${code} to authenticate.`,
  );
  const signedIn = process.env.ENTRA_MAIL_PWSH_DEVICE_SIGN_IN;
  if (!signedIn) return;
  while (!existsSync(signedIn)) await new Promise((resolve) => setTimeout(resolve, 50));
}
