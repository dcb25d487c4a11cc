import type { Node } from 'web-tree-sitter';
import { runCommand } from './commands.ts';
import { evalExpression } from './expressions.ts';
import { decodeSingleQuotedLiteral } from './literal.ts';
import { PSRuntimeError, UnsupportedConstructError } from './runtime-error.ts';
import type { PwshSession } from './session.ts';
import type { PSValue } from './values.ts';
import { parts, unwrap, variableName } from './syntax.ts';
import { PSObject, add, collapse, enumerate, isTruthy, toDisplayString } from './values.ts';

/** Where the stand-in's output goes and how it waits; injected so tests can run it in-process. */
export interface InterpreterHost {
  session: PwshSession;
  env: Readonly<Record<string, string | undefined>>;
  stdout(line: string): void;
  stderr(line: string): void;
  sleep(ms: number): Promise<void>;
}

type Emit = (value: PSValue) => void;

const MAX_ITERATIONS = 100_000;

/**
 * Interprets the small PowerShell subset our templates use (see main.ts); anything else throws
 * UnsupportedConstructError. Variables live in one script scope; `$_` is set by catch and Where-Object.
 */
export class Interpreter {
  readonly host: InterpreterHost;
  readonly variables = new Map<string, PSValue>();
  connected = false;
  readonly #errors: PSRuntimeError[] = [];

  constructor(host: InterpreterHost) {
    this.host = host;
    this.variables.set('erroractionpreference', 'Continue');
  }

  /** Runs a whole program; output goes to stdout, one line per item. */
  async run(program: Node): Promise<void> {
    for (const node of parts(program)) {
      if (node.type === 'statement_list') await this.execStatements(node, (value) => this.host.stdout(formatOutput(value)));
      else if (node.type !== 'param_block') throw new UnsupportedConstructError(`'${node.type}' at the top level`);
      else throw new UnsupportedConstructError('a param block');
    }
  }

  async execStatements(list: Node, emit: Emit): Promise<void> {
    for (const statement of parts(list)) await this.execStatement(statement, emit);
  }

  async execBlock(block: Node, emit: Emit): Promise<void> {
    for (const child of parts(block)) {
      if (child.type === 'statement_list') await this.execStatements(child, emit);
      else throw new UnsupportedConstructError(`'${child.type}' in a block`);
    }
  }

  async execStatement(node: Node, emit: Emit): Promise<void> {
    switch (node.type) {
      case 'pipeline':
        return this.execPipeline(node, emit);
      case 'if_statement':
        return this.execIf(node, emit);
      case 'while_statement':
        return this.execWhile(node, emit);
      case 'foreach_statement':
        return this.execForeach(node, emit);
      case 'for_statement':
        return this.execFor(node, emit);
      case 'try_statement':
        return this.execTry(node, emit);
      case 'flow_control_statement':
        return this.execFlowControl(node);
      case 'empty_statement':
        return;
      default:
        throw new UnsupportedConstructError(`statement '${node.type}'`);
    }
  }

  async execPipeline(node: Node, emit: Emit): Promise<void> {
    const inner = parts(node);
    if (inner.length !== 1) throw new UnsupportedConstructError('pipeline chains (&&, ||)');
    const body = unwrap(inner[0]!);
    if (body.type === 'assignment_expression') return this.assign(body);
    if (body.type === 'post_increment_expression' || body.type === 'pre_increment_expression') {
      await this.evalExpression(body);
      return;
    }
    for (const item of await this.pipelineItems(body)) emit(item);
  }

  /** The output stream of a pipeline (commands) or the enumerated value of an expression. */
  async pipelineItems(body: Node): Promise<PSValue[]> {
    const elements = body.type === 'pipeline_chain' ? parts(body) : [body];
    if (elements.some((e) => e.type === 'redirections' || e.type === 'redirection')) throw new UnsupportedConstructError('redirections');
    let items: PSValue[] | undefined;
    for (const element of elements) {
      if (element.type === 'command') items = await runCommand(this, element, items);
      else if (items === undefined) items = enumerate(await this.evalExpression(element));
      else throw new UnsupportedConstructError(`'${element.type}' after a pipe`);
    }
    return items ?? [];
  }

  /** A pipeline used as a value: an expression keeps its value, command output collapses. */
  async evalPipelineValue(node: Node): Promise<PSValue> {
    const inner = node.type === 'pipeline' ? parts(node) : [node];
    if (inner.length !== 1) throw new UnsupportedConstructError('pipeline chains (&&, ||)');
    const body = unwrap(inner[0]!);
    if (body.type === 'assignment_expression') throw new UnsupportedConstructError('an assignment used as a value');
    if (body.type === 'command' || (body.type === 'pipeline_chain' && parts(body).some((e) => e.type === 'command'))) {
      return collapse(await this.pipelineItems(body));
    }
    return this.evalExpression(body);
  }

  async assign(node: Node): Promise<void> {
    const [left, operator, value] = parts(node);
    if (!left || !operator || !value) throw new UnsupportedConstructError('this assignment');
    const target = unwrap(left);
    if (target.type !== 'variable') throw new UnsupportedConstructError(`assignment to '${target.type}'`);
    if (value.type !== 'pipeline') throw new UnsupportedConstructError(`assigning a '${value.type}'`);
    const name = variableName(target.text);
    const result = await this.evalPipelineValue(value);
    if (name === 'null') return;
    if (operator.text === '=') this.variables.set(name, result);
    else if (operator.text === '+=') this.variables.set(name, add(this.variables.get(name) ?? null, result));
    else throw new UnsupportedConstructError(`the assignment operator ${operator.text}`);
  }

  async execIf(node: Node, emit: Emit): Promise<void> {
    const [condition, block, ...rest] = parts(node);
    if (!condition || !block) throw new UnsupportedConstructError('this if statement');
    if (isTruthy(await this.evalPipelineValue(condition))) return this.execBlock(block, emit);
    for (const clause of rest) {
      if (clause.type === 'elseif_clauses') {
        for (const elseif of parts(clause)) {
          const [elseifCondition, elseifBlock] = parts(elseif);
          if (!elseifCondition || !elseifBlock) throw new UnsupportedConstructError('this elseif clause');
          if (isTruthy(await this.evalPipelineValue(elseifCondition))) return this.execBlock(elseifBlock, emit);
        }
      } else if (clause.type === 'else_clause') {
        const [elseBlock] = parts(clause);
        if (elseBlock) return this.execBlock(elseBlock, emit);
      }
    }
  }

  async execWhile(node: Node, emit: Emit): Promise<void> {
    const [condition, block] = parts(node);
    if (!condition || !block) throw new UnsupportedConstructError('this while statement');
    for (let i = 0; isTruthy(await this.evalPipelineValue(unwrap(condition))); i += 1) {
      if (i >= MAX_ITERATIONS) throw new PSRuntimeError('the stand-in stopped a loop after 100000 iterations');
      await this.execBlock(block, emit);
    }
  }

  async execFor(node: Node, emit: Emit): Promise<void> {
    const find = (type: string) => parts(node).find((c) => c.type === type);
    const block = find('statement_block');
    if (!block) throw new UnsupportedConstructError('this for statement');
    const init = find('for_initializer');
    const condition = find('for_condition');
    const iterator = find('for_iterator');
    if (init) await this.execPipeline(unwrap(init), () => undefined);
    for (let i = 0; condition === undefined || isTruthy(await this.evalPipelineValue(unwrap(condition))); i += 1) {
      if (i >= MAX_ITERATIONS) throw new PSRuntimeError('the stand-in stopped a loop after 100000 iterations');
      await this.execBlock(block, emit);
      if (iterator) await this.execPipeline(unwrap(iterator), () => undefined);
    }
  }

  async execForeach(node: Node, emit: Emit): Promise<void> {
    const [variable, source, block] = parts(node);
    if (variable?.type !== 'variable' || !source || !block) throw new UnsupportedConstructError('this foreach statement');
    const value = await this.evalPipelineValue(source);
    if (value === null) return;
    for (const item of enumerate(value)) {
      this.variables.set(variableName(variable.text), item);
      await this.execBlock(block, emit);
    }
  }

  async execTry(node: Node, emit: Emit): Promise<void> {
    const [block, ...clauses] = parts(node);
    if (!block) throw new UnsupportedConstructError('this try statement');
    const catches = clauses.find((c) => c.type === 'catch_clauses');
    if (clauses.some((c) => c.type === 'finally_clause')) throw new UnsupportedConstructError('finally');
    try {
      await this.execBlock(block, emit);
    } catch (error) {
      if (!(error instanceof PSRuntimeError) || !catches) throw error;
      const [clause] = parts(catches);
      const clauseParts = clause ? parts(clause) : [];
      if (clauseParts.length !== 1) throw new UnsupportedConstructError('typed catch clauses');
      const previous = this.variables.get('_') ?? null;
      this.variables.set('_', errorRecord(error));
      this.#errors.push(error);
      try {
        await this.execBlock(clauseParts[0]!, emit);
      } finally {
        this.#errors.pop();
        this.variables.set('_', previous);
      }
    }
  }

  async execFlowControl(node: Node): Promise<void> {
    const keyword = node.child(0)?.text.toLowerCase();
    if (keyword !== 'throw') throw new UnsupportedConstructError(`'${keyword}'`);
    const [value] = parts(node);
    if (!value) {
      const current = this.#errors.at(-1);
      throw current ?? new PSRuntimeError('ScriptHalted');
    }
    throw new PSRuntimeError(toDisplayString(await this.evalPipelineValue(value)));
  }

  async evalExpression(node: Node): Promise<PSValue> {
    return evalExpression(this, unwrap(node));
  }

  /** Reads `$name` (case-insensitive); `$env:X` from the environment; unknown → $null. */
  readVariable(text: string): PSValue {
    const name = variableName(text);
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (name.startsWith('env:')) return this.host.env[text.slice(5)] ?? null;
    return this.variables.get(name) ?? null;
  }

  setVariable(name: string, value: PSValue): void {
    this.variables.set(name.toLowerCase(), value);
  }

  /** Reads a single-quoted literal exactly as PowerShell would. */
  decodeLiteral(token: string): string {
    const value = decodeSingleQuotedLiteral(token);
    if (value === undefined) throw new UnsupportedConstructError('a single-quoted string that PowerShell would read differently');
    return value;
  }
}

function errorRecord(error: PSRuntimeError): PSObject {
  return new PSObject([
    ['Exception', new PSObject([['Message', error.message]])],
    ['FullyQualifiedErrorId', error.cmdlet ?? 'RuntimeException'],
  ]);
}

function formatOutput(value: PSValue): string {
  return typeof value === 'string' ? value : toDisplayString(value);
}
