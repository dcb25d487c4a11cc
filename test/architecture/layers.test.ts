import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findCycles, findLayerViolations, readImportGraph, topFolder, type ImportEdge } from './import-graph.ts';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * The layers of src/, top down (ARCHITECTURE.md draws them). A folder imports only from later
 * entries; folders in one entry are peers and do not import each other.
 */
export const LAYERS: string[][] = [
  ['main.ts'],
  ['commands'],
  ['fleet'],
  ['rotation'],
  ['provision'],
  ['credentials'],
  ['mail', 'profiles', 'preflight', 'auth'],
  ['graph', 'exchange'],
  ['core'],
];

/** The sandbox tenant stands beside the product: it uses core only, and only these load it, on demand. */
const SANDBOX_LOADERS = new Set(['commands/sandbox.ts', 'commands/demo.ts']);

function findSandboxViolations(edges: ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = topFolder(edge.from);
    const to = topFolder(edge.to);
    if (from === 'sandbox' && to !== 'sandbox' && to !== 'core')
      problems.push(`${edge.from} → ${edge.to}: the sandbox may import only core`);
    if (from !== 'sandbox' && to === 'sandbox' && edge.kind !== 'type' && !(edge.kind === 'dynamic' && SANDBOX_LOADERS.has(edge.from))) {
      problems.push(`${edge.from} → ${edge.to}: only ${[...SANDBOX_LOADERS].join(' and ')} load the sandbox, with import()`);
    }
  }
  return problems;
}

const edges = readImportGraph(SRC);

test('the import graph is read: main.ts reaches the command table', () => {
  assert.ok(edges.length > 300, `only ${edges.length} imports found`);
  assert.ok(edges.some((e) => e.from === 'main.ts' && e.to === 'commands/index.ts' && e.kind === 'static'));
  assert.ok(edges.some((e) => e.from === 'commands/sandbox.ts' && e.to === 'sandbox/index.ts' && e.kind === 'dynamic'));
});

test('every import between top-level folders of src/ points down the layers', () => {
  const outside = edges.filter((e) => topFolder(e.from) !== 'sandbox' && topFolder(e.to) !== 'sandbox');
  assert.deepEqual(findLayerViolations(outside, LAYERS), []);
});

test('the sandbox depends on core only and is loaded on demand by the sandbox and demo commands', () => {
  assert.deepEqual(findSandboxViolations(edges), []);
});

test('no file of the product imports itself through others', () => {
  // The pwsh stand-in's evaluator is mutually recursive by design (src/sandbox/pwsh); the product is not.
  const product = edges.filter((e) => topFolder(e.from) !== 'sandbox');
  assert.deepEqual(findCycles(product), []);
});

test('the checks catch a planted back-edge, a peer import and a cycle', () => {
  const planted: ImportEdge[] = [
    { from: 'core/errors.ts', to: 'graph/errors.ts', kind: 'type' },
    { from: 'graph/errors.ts', to: 'core/errors.ts', kind: 'static' },
    { from: 'mail/verify.ts', to: 'profiles/render.ts', kind: 'dynamic' },
    { from: 'commands/status.ts', to: 'sandbox/state.ts', kind: 'static' },
  ];
  assert.deepEqual(findLayerViolations(planted.slice(0, 3), LAYERS), [
    'core/errors.ts → graph/errors.ts: core may not import graph (upward)',
    'mail/verify.ts → profiles/render.ts: mail may not import profiles (peer)',
  ]);
  assert.deepEqual(findCycles(planted), [['core/errors.ts', 'graph/errors.ts']]);
  assert.deepEqual(findSandboxViolations(planted), [
    'commands/status.ts → sandbox/state.ts: only commands/sandbox.ts and commands/demo.ts load the sandbox, with import()',
  ]);
});
