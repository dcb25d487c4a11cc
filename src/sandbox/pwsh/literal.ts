/**
 * Decodes a single-quoted PowerShell literal token (`'…'`) by PowerShell's own rules (tokenizer
 * ScanStringLiteral with CharTraits.IsSingleQuote): any of U+0027, U+2018, U+2019, U+201A, U+201B
 * ends the string unless the next character is one of them too, in which case the pair stands for
 * the second one. tree-sitter-powershell only knows U+0027, so a token in which PowerShell would
 * see an earlier end returns undefined: the stand-in then refuses the script instead of guessing.
 */
const isSingleQuote = (c: string | undefined) => c === '\u0027' || c === '\u2018' || c === '\u2019' || c === '\u201A' || c === '\u201B';

export function decodeSingleQuotedLiteral(token: string): string | undefined {
  const chars = [...token];
  if (chars.length < 2 || !isSingleQuote(chars[0])) return undefined;
  let out = '';
  let index = 1;
  for (;;) {
    const c = chars[index];
    if (c === undefined) return undefined; // unterminated
    if (isSingleQuote(c)) {
      if (!isSingleQuote(chars[index + 1])) break; // the closing quote
      out += chars[index + 1];
      index += 2;
      continue;
    }
    out += c;
    index += 1;
  }
  return index === chars.length - 1 ? out : undefined;
}
