import type { Node } from 'web-tree-sitter';

/**
 * AST helpers for the tests, written independently of the stand-in's interpreter: commands with
 * their parameters, string literals, and PowerShell's own reading of a single-quoted literal.
 */

/** The five characters PowerShell's CharTraits.IsSingleQuote accepts. */
const QUOTES = new Set(['\u0027', '\u2018', '\u2019', '\u201A', '\u201B']);

/**
 * Decodes `'…'` the way PowerShell's tokenizer does; undefined when PowerShell would end the string
 * before the end of the token (a lone quote character of any of the five kinds inside it).
 */
export function decodeLikePowerShell(token: string): string | undefined {
  const chars = [...token];
  if (!QUOTES.has(chars[0] ?? '')) return undefined;
  let value = '';
  let i = 1;
  while (i < chars.length) {
    const c = chars[i]!;
    if (QUOTES.has(c)) {
      if (QUOTES.has(chars[i + 1] ?? '')) {
        value += chars[i + 1];
        i += 2;
        continue;
      }
      return i === chars.length - 1 ? value : undefined;
    }
    value += c;
    i += 1;
  }
  return undefined;
}

export function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const child of node.children) if (child) walk(child, visit);
}

export function nodesOfType(root: Node, type: string): Node[] {
  const found: Node[] = [];
  walk(root, (node) => {
    if (node.type === type) found.push(node);
  });
  return found;
}

export interface CommandUse {
  name: string;
  /** Parameter name (as written, without dash) → the text of its argument, or '' for a switch. */
  parameters: Map<string, string>;
}

/** Every command invocation with its parameters (a parameter takes the next non-parameter element). */
export function commandUses(root: Node): CommandUse[] {
  return nodesOfType(root, 'command').map((command) => {
    const name = command.childForFieldName('command_name')?.text ?? command.namedChildren[0]?.text ?? '';
    const parameters = new Map<string, string>();
    const elements = (command.namedChildren.find((c) => c?.type === 'command_elements')?.namedChildren ?? []).filter(
      (c): c is Node => !!c && c.type !== 'command_argument_sep',
    );
    for (let i = 0; i < elements.length; i += 1) {
      const element = elements[i]!;
      if (element.type !== 'command_parameter') continue;
      const next = elements[i + 1];
      const isValue = next !== undefined && next.type !== 'command_parameter';
      parameters.set(element.text.slice(1), isValue ? next.text : '');
      if (isValue) i += 1;
    }
    return { name, parameters };
  });
}

/** `$Name = <literal>` assignments at any depth: variable name → the literal's token text. */
export function literalAssignments(root: Node): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const assignment of nodesOfType(root, 'assignment_expression')) {
    const variable = assignment.namedChildren[0]?.text ?? '';
    const literals = nodesOfType(assignment.namedChildren[2]!, 'verbatim_string_characters').map((n) => n.text);
    found.set(variable, [...(found.get(variable) ?? []), ...literals]);
  }
  return found;
}

/** A small deterministic PRNG (mulberry32) for the fuzz corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
