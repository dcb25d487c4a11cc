import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode, UsageError } from '../../src/core/errors.ts';
import { quoteOpathValue, quotePowerShellArray, quotePowerShellLiteral } from '../../src/exchange/quote.ts';
import { buildScopeFilter } from '../../src/exchange/scope-filter.ts';
import { decodeLikePowerShell } from './ast.ts';

describe('quotePowerShellLiteral', () => {
  it('wraps a plain value in single quotes', () => {
    assert.equal(quotePowerShellLiteral('noreply@contoso.com', '--mailbox'), "'noreply@contoso.com'");
  });

  it('doubles every one of the five single-quote characters PowerShell knows', () => {
    for (const quote of ['\u0027', '\u2018', '\u2019', '\u201A', '\u201B']) {
      const literal = quotePowerShellLiteral(`a${quote}b`, '--name');
      assert.equal(literal, `'a${quote}${quote}b'`);
      assert.equal(decodeLikePowerShell(literal), `a${quote}b`);
    }
  });

  it('leaves $, backticks, $() and dashes inert inside the literal', () => {
    const value = '$(Remove-Mailbox x) `n –Identity —x ―y; Remove-Mailbox';
    const literal = quotePowerShellLiteral(value, '--name');
    assert.equal(literal, `'${value}'`);
    assert.equal(decodeLikePowerShell(literal), value);
  });

  it('rejects control characters with a UsageError naming the flag (exit 2)', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u007Fb', 'a\u001Bb']) {
      assert.throws(
        () => quotePowerShellLiteral(bad, '--mailbox'),
        (error: unknown) =>
          error instanceof UsageError && error.flag === '--mailbox' && error.exitCode === ExitCode.usage && /--mailbox/.test(error.message),
      );
    }
  });

  it('quotes arrays element by element', () => {
    assert.equal(quotePowerShellArray([], '--mailbox'), '@()');
    assert.equal(quotePowerShellArray(["a'b", 'c'], '--mailbox'), "@('a''b', 'c')");
  });
});

describe('scope filter (a string inside a string)', () => {
  it('doubles apostrophes for OPATH, then again for PowerShell', () => {
    const filter = buildScopeFilter(["o'neil@contoso.com", 'hr@contoso.com']);
    assert.equal(filter, "PrimarySmtpAddress -eq 'o''neil@contoso.com' -or PrimarySmtpAddress -eq 'hr@contoso.com'");
    const literal = quotePowerShellLiteral(filter, '--mailbox');
    assert.equal(literal, "'PrimarySmtpAddress -eq ''o''''neil@contoso.com'' -or PrimarySmtpAddress -eq ''hr@contoso.com'''");
    assert.equal(decodeLikePowerShell(literal), filter);
  });

  it('refuses typographic quotes in OPATH values rather than guess how Exchange reads them', () => {
    assert.throws(() => quoteOpathValue('a\u2019b@contoso.com', '--mailbox'), UsageError);
  });
});
