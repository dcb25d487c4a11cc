import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { UsageError } from '../../src/core/errors.ts';
import type { ExchangeScriptInput } from '../../src/exchange/script.ts';
import { renderExchangeScript } from '../../src/exchange/script.ts';
import { findSyntaxError, parsePowerShell } from '../../src/sandbox/pwsh/grammar.ts';
import { decodeLikePowerShell, nodesOfType, seededRandom } from './ast.ts';

/**
 * Injection fuzzing (docs/reliability.md#powershell-injection): names and mailboxes built from quotes of all five
 * kinds, the three dash code points, $(), backticks, "; Remove-Mailbox", comment and here-string
 * openers. Each script is compared with a twin rendered from harmless values: the syntax trees must
 * have the same shape (no value changed the code), and every value must be exactly one literal that
 * PowerShell's own quoting rules (CharTraits, decoded in the test) read back as the input.
 */
const PIECES = [
  "'",
  '\u2018',
  '\u2019',
  '\u201A',
  '\u201B',
  "''",
  '\u2019\u2019',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2013Identity ',
  '$(',
  ')',
  '$(Remove-Mailbox -Identity x)',
  '`',
  '`$',
  '; Remove-Mailbox -Identity ceo@contoso.com -Confirm:$false',
  '"',
  '""',
  '$env:PATH',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} the output must not expand
  '${x}',
  '@(',
  '@{',
  '{',
  '}',
  '#',
  '<#',
  '#>',
  '|',
  '&',
  '&&',
  '--%',
  "@'",
  "'@",
  ' ',
  'a',
  'Z',
  '0',
  '@contoso.com',
  '.',
  '-',
  '+',
  '\u00A0',
  '\uFEFF',
  '\u200B',
  'é',
  '\u{1F4E7}',
];
const SCRIPTS = 100;
const MAILBOXES_PER_SCRIPT = 100;

function randomValue(random: () => number): string {
  const length = 1 + Math.floor(random() * 8);
  let value = '';
  for (let i = 0; i < length; i += 1) value += PIECES[Math.floor(random() * PIECES.length)];
  return value;
}

function fuzzInput(values: string[]): ExchangeScriptInput {
  const [displayName, trustee, ...rest] = values;
  return {
    model: 'smtp',
    appId: '0b6f3b3e-8f5e-4c1a-9a51-7d2f1c0e4a10',
    servicePrincipalId: '5f0c2a9d-3b7e-4d61-8c2a-1e9f7b6d4c33',
    displayName: displayName!,
    mailboxes: rest.slice(0, MAILBOXES_PER_SCRIPT),
    sendAs: { trustee: trustee!, identities: rest.slice(MAILBOXES_PER_SCRIPT) },
    enableSmtpAuth: true,
    connect: { mode: 'interactive', userPrincipalName: values.at(-1)! },
    tenantId: '8d1b3c4e-5f60-4a7b-9c8d-0e1f2a3b4c5d',
    generatedBy: 'entra-mail 0.1.0',
  };
}

function literals(root: Node): string[] {
  return nodesOfType(root, 'verbatim_string_characters').map((n) => n.text);
}

describe('PowerShell injection fuzzing', () => {
  it('keeps each of more than 10,000 generated values a single literal that reads back unchanged', async () => {
    const random = seededRandom(0x5eed);
    let checked = 0;
    for (let s = 0; s < SCRIPTS; s += 1) {
      // Values must be unique within a script (mailboxes are de-duplicated); the index suffix does that.
      const values = Array.from({ length: 2 + MAILBOXES_PER_SCRIPT + 10 }, (_, i) => `${randomValue(random)}${i}`);
      const harmless = values.map((_, i) => `v${i}`);
      const script = renderExchangeScript(fuzzInput(values));
      const twin = renderExchangeScript(fuzzInput(harmless));
      const [tree, twinTree] = await Promise.all([parsePowerShell(script), parsePowerShell(twin)]);
      assert.equal(findSyntaxError(tree.rootNode), undefined, `script ${s} has a syntax error`);
      assert.equal(tree.rootNode.toString(), twinTree.rootNode.toString(), `script ${s}: a value changed the syntax tree`);
      const actual = literals(tree.rootNode);
      const expected = literals(twinTree.rootNode);
      assert.equal(actual.length, expected.length);
      const seen = new Set<number>();
      expected.forEach((twinLiteral, position) => {
        const index = /^'v(\d+)'$/.exec(twinLiteral)?.[1];
        const decoded = decodeLikePowerShell(actual[position]!);
        if (index === undefined) {
          assert.equal(actual[position], twinLiteral, 'template literals are untouched');
          return;
        }
        assert.equal(decoded, values[Number(index)], `script ${s}: value ${index} does not read back as one literal`);
        seen.add(Number(index));
      });
      assert.equal(seen.size, values.length, 'every value appears as a literal');
      checked += values.length;
    }
    assert.ok(checked >= 10_000, `only ${checked} values checked`);
  });

  it('rejects values with control characters (exit 2) instead of quoting them', () => {
    const random = seededRandom(42);
    const controls = ['\n', '\r', '\r\n', '\u0000', '\u0085', '\u2028', '\u2029', '\t', '\u001B'];
    for (let i = 0; i < 500; i += 1) {
      const control = controls[i % controls.length]!;
      const value = `${randomValue(random)}${control}${randomValue(random)}`;
      const values = Array.from({ length: 2 + MAILBOXES_PER_SCRIPT + 10 }, (_, j) => `m${j}@contoso.com`);
      values[2 + (i % (MAILBOXES_PER_SCRIPT + 10))] = value;
      assert.throws(
        () => renderExchangeScript(fuzzInput(values)),
        (e: unknown) => e instanceof UsageError && e.exitCode === 2,
      );
    }
  });

  it('does not treat typographic quotes as quotes in the grammar, so the test decodes by PowerShell rules', async () => {
    // tree-sitter-powershell ends a verbatim string only at U+0027; PowerShell ends it at any of five.
    const tree = await parsePowerShell("$x = 'a\u2019b'");
    assert.deepEqual(literals(tree.rootNode), ["'a\u2019b'"]);
    assert.equal(decodeLikePowerShell("'a\u2019b'"), undefined, 'PowerShell would end this string at U+2019');
    assert.equal(decodeLikePowerShell("'a\u2019\u2019b'"), 'a\u2019b');
  });
});
