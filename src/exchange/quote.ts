import { UsageError } from '../core/errors.ts';
import { findControlCharacter } from '../core/validate.ts';

/**
 * The five characters PowerShell's tokenizer treats as a single quote (CharTraits.IsSingleQuote):
 * the ASCII apostrophe and the typographic quotes U+2018, U+2019, U+201A, U+201B. Any of them ends a
 * single-quoted string unless doubled, so doubling only U+0027 would let a "smart" quote break out
 * (docs/reliability.md#powershell-injection).
 */
export const POWERSHELL_SINGLE_QUOTES = ['\u0027', '\u2018', '\u2019', '\u201A', '\u201B'] as const;

const SINGLE_QUOTE = /['\u2018\u2019\u201A\u201B]/g;

/**
 * Throws a UsageError naming `flag` when `value` carries a control character (src/core/validate.ts
 * says which). A literal may legally span lines in PowerShell, but no mailbox or name needs one, and
 * a line break is what a reader of the generated script would miss.
 */
export function assertNoControlCharacters(value: string, flag: string): void {
  const match = findControlCharacter(value);
  if (match !== undefined) {
    const code = match.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
    throw new UsageError(`${flag} contains a control character (U+${code}); remove it and run again`, {
      flag,
      step: 'exchange',
      suggestion: `check the value given to ${flag} for a pasted line break or tab`,
    });
  }
}

/**
 * One PowerShell single-quoted literal for `value`: no expansion of `$`, backticks or `$()` happens
 * inside it, and every single-quote character is doubled, so the value reaches the cmdlet verbatim.
 * Control characters are rejected (exit 2) rather than escaped.
 */
export function quotePowerShellLiteral(value: string, flag: string): string {
  assertNoControlCharacters(value, flag);
  return `'${escapeSingleQuotes(value)}'`;
}

/** The inside of a single-quoted literal: each of the five single-quote characters doubled. */
export function escapeSingleQuotes(value: string): string {
  return value.replace(SINGLE_QUOTE, (quote) => quote + quote);
}

/**
 * An OPATH string value (`'…'`, apostrophes doubled) as used inside `-RecipientRestrictionFilter`
 * (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac: OPATH values are single-quoted). The filter is itself a PowerShell
 * literal, so the caller quotes the whole filter again with `quotePowerShellLiteral`. Typographic
 * quotes are refused here (UsageError).
 */
export function quoteOpathValue(value: string, flag: string): string {
  assertNoControlCharacters(value, flag);
  // Whether Exchange's OPATH parser treats the typographic quotes as quotes is not documented; no
  // primary SMTP address or group DN carries one, so refuse them rather than guess (docs/exchange-powershell.md#mailbox-and-cas-cmdlets).
  if (/[\u2018\u2019\u201A\u201B]/u.test(value)) {
    throw new UsageError(`${flag} contains a typographic quote, which a management scope filter cannot hold`, {
      flag,
      step: 'exchange',
      suggestion: `use the plain address in ${flag}`,
    });
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** `@('a', 'b')`: a PowerShell array of single-quoted literals (an empty array stays `@()`). */
export function quotePowerShellArray(values: readonly string[], flag: string): string {
  return `@(${values.map((value) => quotePowerShellLiteral(value, flag)).join(', ')})`;
}
