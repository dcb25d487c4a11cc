import type { Node } from 'web-tree-sitter';
import { UnsupportedConstructError } from './runtime-error.ts';

/**
 * Reading tree-sitter-powershell's syntax tree: the grammar wraps every expression in one node per
 * precedence level, and comments may sit anywhere as extras.
 */

/** Nodes that only wrap one child in this grammar (precedence levels). */
const WRAPPERS = new Set([
  'logical_expression',
  'bitwise_expression',
  'comparison_expression',
  'additive_expression',
  'multiplicative_expression',
  'format_expression',
  'range_expression',
  'array_literal_expression',
  'unary_expression',
  'pipeline_chain',
  'left_assignment_expression',
  'string_literal',
  'while_condition',
  'for_condition',
  'for_initializer',
  'for_iterator',
]);

/** Named children without comments (comments are extras and may sit anywhere). */
export function parts(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** Strips single-child wrapper nodes. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    if (!WRAPPERS.has(current.type)) return current;
    const children = current.children.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (children.length !== 1 || !children[0]!.isNamed) return current;
    current = children[0]!;
  }
}

/** `$Name` → `name`; scope modifiers and `${…}` are not supported. */
export function variableName(text: string): string {
  const match = /^\$(env:)?([A-Za-z_][A-Za-z0-9_]*|_)$/.exec(text);
  if (!match) throw new UnsupportedConstructError(`the variable ${text}`);
  return `${match[1] ?? ''}${match[2]}`.toLowerCase();
}
