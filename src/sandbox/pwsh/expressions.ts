import type { Node } from 'web-tree-sitter';
import type { Interpreter } from './interpreter.ts';
import { parts, unwrap, variableName } from './syntax.ts';
import { UnsupportedConstructError } from './runtime-error.ts';
import type { PSValue } from './values.ts';
import { PSObject, add, areEqual, compareOrder, enumerate, isLike, isTruthy, toDisplayString } from './values.ts';

/** Expressions of the stand-in's subset: literals, variables, members, operators, casts, @() and @{}. */
export async function evalExpression(interp: Interpreter, node: Node): Promise<PSValue> {
  switch (node.type) {
    case 'variable':
      return interp.readVariable(node.text);
    case 'verbatim_string_characters':
      return interp.decodeLiteral(node.text);
    case 'expandable_string_literal':
      return plainDoubleQuoted(node);
    case 'integer_literal':
      return integer(node);
    case 'decimal_integer_literal':
      return integer(node);
    case 'parenthesized_expression': {
      const [inner] = parts(node);
      if (!inner) throw new UnsupportedConstructError('empty parentheses');
      return interp.evalPipelineValue(inner);
    }
    case 'array_expression': {
      const items: PSValue[] = [];
      for (const list of parts(node)) await interp.execStatements(list, (value) => items.push(value));
      return items;
    }
    case 'array_literal_expression': {
      const values: PSValue[] = [];
      for (const element of parts(node)) values.push(await evalExpression(interp, unwrap(element)));
      return values;
    }
    case 'hash_literal_expression':
      return hashLiteral(interp, node);
    case 'expression_with_unary_operator':
      return unary(interp, node);
    case 'cast_expression':
      return cast(interp, node);
    case 'member_access':
      return memberAccess(interp, node);
    case 'logical_expression':
      return logical(interp, node);
    case 'comparison_expression':
      return comparison(interp, node);
    case 'additive_expression': {
      const [left, right] = parts(node);
      const operator = node.children.find((c) => c !== null && !c.isNamed)?.text;
      if (!left || !right || operator !== '+') throw new UnsupportedConstructError(`the operator ${operator ?? '?'}`);
      return add(await evalExpression(interp, unwrap(left)), await evalExpression(interp, unwrap(right)));
    }
    case 'post_increment_expression':
    case 'pre_increment_expression': {
      const [variable] = parts(node);
      const operator = node.children.find((c) => c !== null && !c.isNamed)?.text;
      if (variable?.type !== 'variable' || operator !== '++') throw new UnsupportedConstructError('this increment');
      const before = interp.readVariable(variable.text);
      const after = typeof before === 'number' ? before + 1 : before === null ? 1 : NaN;
      if (Number.isNaN(after)) throw new UnsupportedConstructError('++ on a non-number');
      interp.setVariable(variableName(variable.text), after);
      return node.type === 'post_increment_expression' ? before : after;
    }
    default:
      throw new UnsupportedConstructError(`the expression '${node.type}' (${node.text.slice(0, 40)})`);
  }
}

function integer(node: Node): number {
  if (!/^[0-9]+$/.test(node.text)) throw new UnsupportedConstructError(`the number ${node.text}`);
  return Number(node.text);
}

/** A double-quoted string without variables, subexpressions or escapes (anything else is refused). */
function plainDoubleQuoted(node: Node): string {
  const text = node.text;
  if (parts(node).length > 0 || /[$`]/.test(text) || !/^"[^"]*"$/.test(text))
    throw new UnsupportedConstructError('expandable strings with variables or escapes');
  return text.slice(1, -1);
}

async function hashLiteral(interp: Interpreter, node: Node): Promise<PSValue> {
  const object = new PSObject();
  for (const body of parts(node)) {
    for (const entry of parts(body)) {
      const [key, value] = parts(entry);
      if (entry.type !== 'hash_entry' || !key || !value) throw new UnsupportedConstructError('this hashtable entry');
      const keyNode = unwrap(parts(key)[0] ?? key);
      const name = keyNode.type === 'simple_name' ? keyNode.text : toDisplayString(await evalExpression(interp, keyNode));
      object.set(name, await interp.evalPipelineValue(value));
    }
  }
  return object;
}

async function unary(interp: Interpreter, node: Node): Promise<PSValue> {
  const [first] = node.children;
  const operand = parts(node).at(-1);
  if (!first || !operand) throw new UnsupportedConstructError('this unary expression');
  if (first.isNamed) return evalExpression(interp, unwrap(first));
  const operator = first.text.toLowerCase();
  if (operator === '-not' || operator === '!') return !isTruthy(await evalExpression(interp, unwrap(operand)));
  throw new UnsupportedConstructError(`the unary operator ${first.text}`);
}

async function cast(interp: Interpreter, node: Node): Promise<PSValue> {
  const [type, operand] = parts(node);
  if (!type || !operand) throw new UnsupportedConstructError('this cast');
  const name = type.text
    .replace(/^\[|\]$/g, '')
    .trim()
    .toLowerCase();
  const value = await evalExpression(interp, unwrap(operand));
  if ((name === 'pscustomobject' || name === 'ordered') && value instanceof PSObject) return value;
  if (name === 'string') return toDisplayString(value);
  if (name === 'bool') return isTruthy(value);
  if (name === 'array') return enumerate(value);
  throw new UnsupportedConstructError(`the cast [${name}]`);
}

async function memberAccess(interp: Interpreter, node: Node): Promise<PSValue> {
  const [target, member] = parts(node);
  const operator = node.children.find((c) => c !== null && !c.isNamed)?.text;
  if (!target || member?.type !== 'member_name' || operator !== '.') throw new UnsupportedConstructError('this member access');
  const name = member.text;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UnsupportedConstructError(`the member ${name}`);
  return readMember(await evalExpression(interp, unwrap(target)), name);
}

/** `.Name` on an object; on an array: `.Count`/`.Length`, else member enumeration. */
export function readMember(value: PSValue, name: string): PSValue {
  const lower = name.toLowerCase();
  if (Array.isArray(value)) {
    if (lower === 'count' || lower === 'length') return value.length;
    const values = value.map((item) => readMember(item, name)).filter((v) => v !== null);
    return values.length === 0 ? null : values.length === 1 ? values[0]! : values;
  }
  if (value instanceof PSObject) return value.get(name) ?? null;
  if (typeof value === 'string' && lower === 'length') return value.length;
  if (value !== null && (lower === 'count' || lower === 'length')) return 1;
  return null;
}

async function logical(interp: Interpreter, node: Node): Promise<PSValue> {
  const [left, right] = parts(node);
  const operator = node.children.find((c) => c !== null && !c.isNamed)?.text.toLowerCase();
  if (!left || !right) throw new UnsupportedConstructError('this logical expression');
  const leftValue = isTruthy(await evalExpression(interp, unwrap(left)));
  if (operator === '-and') return leftValue && isTruthy(await evalExpression(interp, unwrap(right)));
  if (operator === '-or') return leftValue || isTruthy(await evalExpression(interp, unwrap(right)));
  throw new UnsupportedConstructError(`the operator ${operator ?? '?'}`);
}

async function comparison(interp: Interpreter, node: Node): Promise<PSValue> {
  const [left, operatorNode, right] = parts(node);
  if (!left || operatorNode?.type !== 'comparison_operator' || !right) throw new UnsupportedConstructError('this comparison');
  const operator = operatorNode.text.toLowerCase().replace(/^-i/, '-');
  const a = await evalExpression(interp, unwrap(left));
  const b = await evalExpression(interp, unwrap(right));
  if (operator === '-contains' || operator === '-notcontains') {
    const found = enumerate(a ?? []).some((item) => areEqual(item, b));
    return operator === '-contains' ? found : !found;
  }
  if (operator === '-replace') return replace(a, b);
  const test = scalarTest(operator);
  // An array on the left filters (PowerShell's comparison semantics for collections).
  if (Array.isArray(a)) return a.filter((item) => test(item, b));
  return test(a, b);
}

/**
 * `-replace <pattern>[, <replacement>]`: a case-insensitive regular expression replacement on the
 * text of the left side (each element of an array); `$null` becomes ''. PowerShell uses .NET
 * regular expressions; the patterns the generated scripts use mean the same in JavaScript.
 */
function replace(value: PSValue, operand: PSValue): PSValue {
  const [pattern, replacement] = Array.isArray(operand) ? operand : [operand, ''];
  const regex = new RegExp(toDisplayString(pattern ?? ''), 'gi');
  const one = (item: PSValue) => toDisplayString(item).replace(regex, toDisplayString(replacement ?? ''));
  return Array.isArray(value) ? value.map(one) : one(value);
}

function scalarTest(operator: string): (a: PSValue, b: PSValue) => boolean {
  switch (operator) {
    case '-eq':
      return areEqual;
    case '-ne':
      return (a, b) => !areEqual(a, b);
    case '-like':
      return isLike;
    case '-notlike':
      return (a, b) => !isLike(a, b);
    case '-gt':
      return (a, b) => compareOrder(a, b) > 0;
    case '-ge':
      return (a, b) => compareOrder(a, b) >= 0;
    case '-lt':
      return (a, b) => compareOrder(a, b) < 0;
    case '-le':
      return (a, b) => compareOrder(a, b) <= 0;
    default:
      throw new UnsupportedConstructError(`the operator ${operator}`);
  }
}
