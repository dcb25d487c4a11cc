import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Every citation a reader of the repo meets must open: a `.md` file named in src/, scripts/, test/ or
 * templates/ exists in the repo (and so does its `#anchor`), and nothing points at documents that
 * only existed outside it (numbered sections, scenario rows, style rules, issue numbers, local paths).
 * Templates and golden outputs are what users see, so they may cite public URLs only.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
const SCANNED = ['src', 'scripts', 'test', 'templates'];
const USER_FACING = [/^templates\//, /^test\/.*golden/];

const URL_PATTERN = /\bhttps?:\/\/[^\s'"`)<>\]]+/g;
const MD_REFERENCE = /(?<![\w./-])((?:\.{1,2}\/)*\w[\w./-]*\.md)(?:#([\w-]+))?(?![\w-])/g;
/** Phrases that cite something a repo reader cannot open. */
const DEAD_CITATIONS: [RegExp, string][] = [
  [/(?<!RFC \d+ )§ ?\d/, 'a numbered section of a document outside the repo'],
  [/\bmatrix (?:rows?|headline)\b|reliability[- ]matrix/i, 'the reliability matrix (cite docs/reliability.md#…)'],
  [/\bhouse[- ]style\b|\bstyle\.md\b/i, 'style notes kept outside the repo'],
  [/\bissue \d+\b/i, 'an issue number'],
  [/\bseed \d{3}\b/i, 'a vendor-guide seed'],
  [/\/work\/|\.\.\/shared\/(?:reference|spec|findings|seeds|style)/, 'a path on a development machine'],
];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** GitHub's heading anchors, plus explicit `<a id="…">` targets. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) {
      const base = heading[1]
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .trim()
        .replace(/\s/g, '-');
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const match of line.matchAll(/\bid="([\w-]+)"/g)) if (match[1]) anchors.add(match[1]);
  }
  return anchors;
}

/** Problems with the `.md` references in one text, resolved against the repo root and the file's folder. */
export function checkReferences(text: string, file: string, userFacing: boolean): string[] {
  const problems: string[] = [];
  const withoutUrls = text.replace(URL_PATTERN, ' ');
  for (const match of withoutUrls.matchAll(MD_REFERENCE)) {
    const [cited, path = '', anchor] = match;
    if (userFacing) {
      problems.push(`${file}: '${cited}' is shown to users, who do not have the repo: cite a public URL`);
      continue;
    }
    const target = [join(ROOT, path), join(ROOT, dirname(file), path)].find((candidate) => existsSync(candidate));
    if (!target) {
      problems.push(`${file}: cites '${cited}', which is not in the repo`);
    } else if (anchor && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      problems.push(`${file}: cites '${cited}', but ${relative(ROOT, target)} has no heading or id '${anchor}'`);
    }
  }
  for (const [pattern, what] of DEAD_CITATIONS) {
    for (const hit of withoutUrls.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
      problems.push(`${file}: '${hit[0]}' cites ${what}`);
    }
  }
  return problems;
}

describe('citations resolve inside the repo', () => {
  const files = SCANNED.flatMap((dir) => listFiles(join(ROOT, dir)))
    .map((path) => relative(ROOT, path))
    .filter((path) => path !== SELF);

  it('src/, scripts/, test/ and templates/ cite only docs that exist, and no outside documents', () => {
    const problems = files.flatMap((file) =>
      checkReferences(
        readFileSync(join(ROOT, file), 'utf8'),
        file,
        USER_FACING.some((p) => p.test(file)),
      ),
    );
    assert.deepEqual(problems, []);
  });

  it('docs/ links to files and anchors that exist', () => {
    const docs = listFiles(join(ROOT, 'docs'))
      .filter((path) => path.endsWith('.md'))
      .map((path) => relative(ROOT, path));
    assert.ok(docs.includes('docs/README.md'));
    const problems = docs.flatMap((file) => checkReferences(readFileSync(join(ROOT, file), 'utf8'), file, false));
    assert.deepEqual(problems, []);
  });

  it('catches what it is meant to catch', () => {
    const check = (text: string, userFacing = false) => checkReferences(text, 'src/x.ts', userFacing).length;
    assert.equal(check('see docs/graph-applications.md#upsert-by-uniquename'), 0);
    assert.equal(check('see docs/graph-applications.md#no-such-heading'), 1);
    assert.equal(check('see docs/no-such-file.md'), 1);
    assert.equal(check('see graph' + '.md §8.2'), 2);
    assert.equal(check('(matrix ' + 'row 10)'), 1);
    assert.equal(check('https://github.com/o/r/blob/main/README.md and RFC 9110 §10.2.3'), 0);
    assert.equal(check('see docs/smtp-oauth.md', true), 1);
  });
});
