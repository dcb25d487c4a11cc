/**
 * The subset of OPATH the generated Exchange scripts write into a management scope's
 * `-RecipientRestrictionFilter` (exchange-and-smtp.md §2.4): `PrimarySmtpAddress -eq '<addr>'`
 * clauses joined by `-or`, optionally parenthesised. OPATH strings are single-quoted and a
 * literal quote is doubled (`'o''brien@contoso.com'`).
 *
 * Anything outside that subset parses to `undefined`, and an unparsable scope matches nothing:
 * the sandbox fails closed, as a tenant would for a filter it cannot evaluate to our mailbox.
 */

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'paren'; text: '(' | ')' };

/** The addresses a `PrimarySmtpAddress -eq '…' (-or …)` filter names, lower-cased; undefined if unsupported. */
export function parseRecipientFilter(filter: string): string[] | undefined {
  const tokens = tokenize(filter);
  if (!tokens) return undefined;
  const addresses: string[] = [];
  let expectClause = true;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) return undefined;
    if (token.kind === 'paren') continue;
    if (expectClause) {
      const op = tokens[i + 1];
      const value = tokens[i + 2];
      if (token.kind !== 'word' || token.text.toLowerCase() !== 'primarysmtpaddress') return undefined;
      if (op?.kind !== 'word' || op.text.toLowerCase() !== '-eq') return undefined;
      if (value?.kind !== 'string') return undefined;
      addresses.push(value.text.toLowerCase());
      i += 2;
      expectClause = false;
    } else {
      if (token.kind !== 'word' || token.text.toLowerCase() !== '-or') return undefined;
      expectClause = true;
    }
  }
  if (expectClause || !balancedParens(tokens)) return undefined;
  return addresses;
}

/** Does the scope's filter select this mailbox? Unsupported filters select nothing. */
export function recipientFilterMatches(filter: string, address: string): boolean {
  return parseRecipientFilter(filter)?.includes(address.toLowerCase()) ?? false;
}

function tokenize(input: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: 'paren', text: ch });
      i++;
    } else if (ch === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) return undefined;
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i];
        i++;
      }
      tokens.push({ kind: 'string', text });
    } else {
      const match = /^[^\s()']+/.exec(input.slice(i));
      if (!match) return undefined;
      tokens.push({ kind: 'word', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

function balancedParens(tokens: Token[]): boolean {
  let depth = 0;
  for (const token of tokens) {
    if (token.kind !== 'paren') continue;
    depth += token.text === '(' ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}
