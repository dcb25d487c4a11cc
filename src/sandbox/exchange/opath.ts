/**
 * The OPATH subset management scopes use in the sandbox (docs/sending-models.md#graph-with-rbac-for-applications-graph-rbac):
 * `Property -eq 'value'` (also -ne, -like), joined by -and / -or, negated by -not, grouped with
 * parentheses; values are single-quoted with apostrophes doubled. Anything else is a syntax error,
 * as New-ManagementScope would report it.
 */
export type OpathFilter =
  | { kind: 'compare'; property: string; operator: 'eq' | 'ne' | 'like'; value: string }
  | { kind: 'and' | 'or'; left: OpathFilter; right: OpathFilter }
  | { kind: 'not'; operand: OpathFilter };

/** A recipient as the filter sees it: property name (lower-case) → value(s). */
export type OpathRecipient = Record<string, string | string[]>;

const TOKEN = /\s*(?:(\()|(\))|-(eq|ne|like|and|or|not)\b|'((?:[^']|'')*)'|([A-Za-z][A-Za-z0-9]*))/iy;

/** Parses a filter; throws an Error whose message is the reason. */
export function parseOpathFilter(text: string): OpathFilter {
  const tokens: { type: string; value: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length && text.slice(TOKEN.lastIndex).trim() !== '') {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`Invalid filter syntax at position ${at}: '${text.slice(at, at + 20)}'`);
    if (match[1]) tokens.push({ type: '(', value: '(' });
    else if (match[2]) tokens.push({ type: ')', value: ')' });
    else if (match[3]) tokens.push({ type: match[3].toLowerCase(), value: match[3] });
    else if (match[4] !== undefined) tokens.push({ type: 'string', value: match[4].replaceAll("''", "'") });
    else tokens.push({ type: 'name', value: match[5] ?? '' });
  }
  let index = 0;
  const peek = () => tokens[index]?.type;
  const take = (type: string) => {
    const token = tokens[index];
    if (token?.type !== type) throw new Error(`Invalid filter syntax: expected ${type} at token ${index + 1}`);
    index += 1;
    return token.value;
  };
  const parseOr = (): OpathFilter => {
    let left = parseAnd();
    while (peek() === 'or') {
      index += 1;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): OpathFilter => {
    let left = parseUnary();
    while (peek() === 'and') {
      index += 1;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): OpathFilter => {
    if (peek() === 'not') {
      index += 1;
      return { kind: 'not', operand: parseUnary() };
    }
    if (peek() === '(') {
      index += 1;
      const inner = parseOr();
      take(')');
      return inner;
    }
    const property = take('name');
    const operator = peek();
    if (operator !== 'eq' && operator !== 'ne' && operator !== 'like')
      throw new Error(`Invalid filter syntax: expected -eq, -ne or -like after ${property}`);
    index += 1;
    return { kind: 'compare', property, operator, value: take('string') };
  };
  const filter = parseOr();
  if (index !== tokens.length) throw new Error(`Invalid filter syntax: unexpected '${tokens[index]?.value}'`);
  return filter;
}

/** Does the recipient match? Comparisons are case-insensitive, as Exchange's are. */
export function matchesOpathFilter(filter: OpathFilter, recipient: OpathRecipient): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesOpathFilter(filter.left, recipient) && matchesOpathFilter(filter.right, recipient);
    case 'or':
      return matchesOpathFilter(filter.left, recipient) || matchesOpathFilter(filter.right, recipient);
    case 'not':
      return !matchesOpathFilter(filter.operand, recipient);
    case 'compare': {
      const raw = recipient[filter.property.toLowerCase()];
      const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.toLowerCase());
      const wanted = filter.value.toLowerCase();
      if (filter.operator === 'ne') return !values.includes(wanted);
      if (filter.operator === 'eq') return values.includes(wanted);
      const pattern = new RegExp(`^${wanted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
      return values.some((v) => pattern.test(v));
    }
  }
}

/** Is the mailbox inside the scope's filter? (for the sandbox's SMTP and Graph send checks too). */
export function isMailboxInScope(recipientRestrictionFilter: string, mailboxAddress: string): boolean {
  try {
    const address = mailboxAddress.toLowerCase();
    return matchesOpathFilter(parseOpathFilter(recipientRestrictionFilter), {
      primarysmtpaddress: address,
      windowsemailaddress: address,
      alias: address.split('@')[0] ?? address,
    });
  } catch {
    return false;
  }
}
