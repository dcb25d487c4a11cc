import type { Node } from 'web-tree-sitter';
import { EXCHANGE_CMDLETS } from '../exchange/routes.ts';
import { runBuiltin, BUILTINS } from './builtins.ts';
import { invokeExchangeCmdlet } from './exchange-client.ts';
import type { Interpreter } from './interpreter.ts';
import { parts, unwrap } from './syntax.ts';
import { PSRuntimeError, UnsupportedConstructError } from './runtime-error.ts';
import type { PSValue } from './values.ts';
import { toDisplayString, toJson } from './values.ts';

/** A `{ … }` argument (Where-Object); only builtins accept one. */
export class ScriptBlock {
  readonly node: Node;
  constructor(node: Node) {
    this.node = node;
  }
}

export type Argument = PSValue | ScriptBlock;

/** A command's arguments after binding: named parameters (by lower-case name) and positionals. */
export interface BoundArguments {
  named: Map<string, { name: string; value: Argument }>;
  positional: Argument[];
}

/** Parameters that are switches in the commands we run: they never take the next argument. */
const SWITCHES = new Set([
  'device',
  'compress',
  'asplaintext',
  'force',
  'confirm',
  'whatif',
  'showbanner',
  'skiploadingformatdata',
  'disablewam',
]);

/** Runs one command of a pipeline, with the previous command's output as input. */
export async function runCommand(interp: Interpreter, node: Node, input: PSValue[] | undefined): Promise<PSValue[]> {
  const [nameNode, elements] = parts(node);
  if (nameNode?.type !== 'command_name') throw new UnsupportedConstructError('commands invoked with & or .');
  const name = nameNode.text;
  if (parts(nameNode).length > 0 || !/^[A-Za-z]+-[A-Za-z]+$/.test(name)) throw new UnsupportedConstructError(`the command name ${name}`);
  const args = elements ? await bindArguments(interp, elements) : { named: new Map(), positional: [] };
  const builtin = Object.keys(BUILTINS).find((known) => known.toLowerCase() === name.toLowerCase());
  if (builtin) return runBuiltin(interp, builtin, args, input);
  const cmdlet = Object.keys(EXCHANGE_CMDLETS).find((known) => known.toLowerCase() === name.toLowerCase());
  if (cmdlet) {
    if (input !== undefined) throw new UnsupportedConstructError(`pipeline input to ${cmdlet}`);
    return runExchangeCmdlet(interp, cmdlet, args);
  }
  throw new UnsupportedConstructError(`the command ${name}`);
}

async function bindArguments(interp: Interpreter, elements: Node): Promise<BoundArguments> {
  const items = parts(elements);
  const bound: BoundArguments = { named: new Map(), positional: [] };
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    if (item.type === 'command_argument_sep') continue;
    if (item.type === 'command_parameter') {
      const name = item.text.replace(/^[-\u2013\u2014\u2015]/, '').replace(/:$/, '');
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new UnsupportedConstructError(`the parameter ${item.text}`);
      const separator = items[i + 1];
      const colon = separator?.type === 'command_argument_sep' && separator.text === ':';
      const valueIndex = separator?.type === 'command_argument_sep' ? i + 2 : i + 1;
      const next = items[valueIndex];
      const takesValue =
        next !== undefined &&
        next.type !== 'command_parameter' &&
        next.type !== 'command_argument_sep' &&
        (colon || !SWITCHES.has(name.toLowerCase()));
      if (bound.named.has(name.toLowerCase())) throw new UnsupportedConstructError(`the parameter -${name} given twice`);
      bound.named.set(name.toLowerCase(), { name, value: takesValue ? await evalArgument(interp, next) : true });
      if (takesValue) i = valueIndex;
      continue;
    }
    bound.positional.push(await evalArgument(interp, item));
  }
  return bound;
}

async function evalArgument(interp: Interpreter, node: Node): Promise<Argument> {
  const inner = unwrap(node);
  if (inner.type === 'script_block_expression') return new ScriptBlock(inner);
  if (inner.type === 'generic_token') {
    if (parts(inner).length > 0 || /[$`'"(){}@]/.test(inner.text)) throw new UnsupportedConstructError(`the bare argument ${inner.text}`);
    return inner.text;
  }
  if (inner.type === 'redirection' || inner.type === 'stop_parsing' || inner.type === 'verbatim_command_argument')
    throw new UnsupportedConstructError(inner.type);
  return interp.evalExpression(inner);
}

/**
 * One Exchange cmdlet → one InvokeCommand call. `-ErrorAction` is applied here, as PowerShell
 * applies it: SilentlyContinue/Ignore swallow the error, Stop (or $ErrorActionPreference = 'Stop')
 * throws, Continue writes it and goes on.
 */
async function runExchangeCmdlet(interp: Interpreter, cmdlet: string, args: BoundArguments): Promise<PSValue[]> {
  if (args.positional.length > 0) throw new UnsupportedConstructError(`positional arguments to ${cmdlet}`);
  const parameters: Record<string, unknown> = {};
  let errorAction: string | undefined;
  for (const { name, value } of args.named.values()) {
    if (value instanceof ScriptBlock) throw new UnsupportedConstructError(`a script block argument to ${cmdlet}`);
    if (name.toLowerCase() === 'erroraction') errorAction = toDisplayString(value).toLowerCase();
    else parameters[name] = toJson(value, 4);
  }
  const shown = Object.entries(parameters)
    .map(([k, v]) => `-${k} ${JSON.stringify(v)}`)
    .join(' ');
  interp.host.stderr(`PS> ${cmdlet}${shown ? ` ${shown}` : ''}`);
  if (!interp.connected)
    return fail(
      interp,
      errorAction,
      new PSRuntimeError('You must call the Connect-ExchangeOnline cmdlet before calling any other cmdlets.', { cmdlet }),
    );
  try {
    const result = await invokeExchangeCmdlet(interp.host.session, cmdlet, parameters);
    for (const warning of result.warnings) interp.host.stderr(`WARNING: ${warning}`);
    return result.value;
  } catch (error) {
    if (error instanceof PSRuntimeError) return fail(interp, errorAction, error);
    throw error;
  }
}

function fail(interp: Interpreter, errorAction: string | undefined, error: PSRuntimeError): PSValue[] {
  const preference = errorAction ?? toDisplayString(interp.readVariable('$ErrorActionPreference')).toLowerCase();
  if (preference === 'silentlycontinue' || preference === 'ignore') return [];
  if (preference === 'stop') throw error;
  interp.host.stderr(`${error.cmdlet ?? 'Error'}: ${error.message}`);
  return [];
}

/**
 * Fails closed before anything runs: every command in the script must be a builtin or an Exchange
 * cmdlet the sandbox knows, so a script is never half-applied up to the first unknown command.
 */
export function assertKnownCommands(root: Node): void {
  const known = new Set([...Object.keys(BUILTINS), ...Object.keys(EXCHANGE_CMDLETS)].map((name) => name.toLowerCase()));
  const visit = (node: Node): void => {
    if (node.type === 'command') {
      const name = parts(node)[0];
      if (name?.type !== 'command_name') throw new UnsupportedConstructError('commands invoked with & or .');
      if (!known.has(name.text.toLowerCase())) throw new UnsupportedConstructError(`the command ${name.text}`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
}
