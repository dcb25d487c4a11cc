import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** One relative import in src/: `type` imports vanish at run time, `dynamic` ones load on first use. */
export interface ImportEdge {
  from: string;
  to: string;
  kind: 'static' | 'type' | 'dynamic';
}

const STATIC = /(?:^|\n)[ \t]*(import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import of every .ts file under `root`, paths relative to `root` with forward slashes. */
export function readImportGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of listSources(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    const target = (spec: string): string =>
      relative(root, normalize(join(root, dirname(file), spec)))
        .split('\\')
        .join('/');
    for (const m of text.matchAll(STATIC)) {
      const typeOnly = m[2] !== undefined || /^\s*(import|export)\s+\{\s*(type\s+[\w$]+\s*,?\s*)+\}/.test(m[0].trim());
      edges.push({ from: file, to: target(m[3] as string), kind: typeOnly ? 'type' : 'static' });
    }
    for (const m of text.matchAll(DYNAMIC)) edges.push({ from: file, to: target(m[1] as string), kind: 'dynamic' });
  }
  return edges;
}

function listSources(root: string, dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listSources(root, path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** The top-level folder of a path under src/ (`main.ts` for files at the root). */
export function topFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

/**
 * Imports that break the layering: `layers` lists the top-level folders from the top down; a
 * folder may import only from folders in a later entry (folders in the same entry are peers and
 * may not import each other). Folders absent from `layers` are reported too.
 */
export function findLayerViolations(edges: ImportEdge[], layers: string[][]): string[] {
  const rank = new Map<string, number>();
  layers.forEach((group, index) => {
    for (const folder of group) rank.set(folder, index);
  });
  const problems: string[] = [];
  for (const edge of edges) {
    const from = topFolder(edge.from);
    const to = topFolder(edge.to);
    if (from === to) continue;
    const a = rank.get(from);
    const b = rank.get(to);
    if (a === undefined || b === undefined) problems.push(`${edge.from} → ${edge.to}: ${a === undefined ? from : to} is in no layer`);
    else if (b <= a) problems.push(`${edge.from} → ${edge.to}: ${from} may not import ${to} (${b < a ? 'upward' : 'peer'})`);
  }
  return problems;
}

/** Strongly connected groups of more than one file (Tarjan): each is an import cycle. */
export function findCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
