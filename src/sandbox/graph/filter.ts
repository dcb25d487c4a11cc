import { GraphRequestError } from './errors.ts';

/**
 * One `$filter` clause: `p eq 'v'`, `p ne 'v'`, `p in ('a','b')`, `startswith(p,'v')`,
 * `endswith(p,'v')`, `p/any(x:x eq 'v')`, each possibly negated with `not`.
 */
export interface Clause {
  op: 'eq' | 'in' | 'startswith' | 'endswith' | 'any';
  property: string;
  values: string[];
  negated: boolean;
}

const QUOTED = "'((?:[^']|'')*)'";
const unquote = (value: string | undefined) => (value ?? '').replace(/''/g, "'");
const COMPARE = new RegExp(`^([A-Za-z]+)\\s+(eq|ne)\\s+${QUOTED}$`, 'i');
const IN = new RegExp(`^([A-Za-z]+)\\s+in\\s+\\(\\s*(${QUOTED}(?:\\s*,\\s*${QUOTED})*)\\s*\\)$`, 'i');
const FUNCTION = new RegExp(`^(startswith|endswith)\\(\\s*([A-Za-z]+)\\s*,\\s*${QUOTED}\\s*\\)$`, 'i');
// The lambda form on a string collection, e.g. `tags/any(t:t eq 'entra-mail:managed')`.
const ANY = new RegExp(`^([A-Za-z]+)/any\\(\\s*([A-Za-z]\\w*)\\s*:\\s*\\2\\s+eq\\s+${QUOTED}\\s*\\)$`);
const NOT = /^not\s*(?:\((.*)\)|\s(.*))$/is;

/**
 * Parses `$filter` as a conjunction of clauses on the properties a resource allows. `ne`, `not`
 * and `endsWith` are advanced queries: without `ConsistencyLevel: eventual` and `$count=true`
 * Graph answers 400 Request_UnsupportedQuery naming the operator, and `endsWith` works on
 * directory objects only for mail addresses and user principal names, so on applications and
 * service principals it is refused even then (docs/sandbox-fidelity.md#advanced-queries).
 */
export function parseFilter(filter: string | null, allowed: string[], resource: string, advanced = false): Clause[] {
  if (filter === null || filter.trim() === '') return [];
  return splitOnAnd(filter.trim()).map((part) => {
    const clause = parseClause(part, resource);
    const operator = clause.negated ? 'not' : clause.op === 'endswith' ? 'endsWith' : undefined;
    const ne = /^\S+\s+ne\s/i.test(part) ? 'ne' : undefined;
    const needs = ne ?? operator;
    if (needs && !advanced) {
      throw new GraphRequestError(
        400,
        'Request_UnsupportedQuery',
        `Operator '${needs}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
      );
    }
    if (!allowed.includes(clause.property) || clause.op === 'endswith') throw unsupported(clause.property, resource);
    return clause;
  });
}

function parseClause(part: string, resource: string): Clause {
  const not = NOT.exec(part.trim());
  if (not) return { ...parseClause((not[1] ?? not[2] ?? '').trim(), resource), negated: true };
  const any = ANY.exec(part);
  if (any) return { op: 'any', property: any[1] ?? '', values: [unquote(any[3])], negated: false };
  const compare = COMPARE.exec(part);
  if (compare) return { op: 'eq', property: compare[1] ?? '', values: [unquote(compare[3])], negated: compare[2]?.toLowerCase() === 'ne' };
  const inList = IN.exec(part);
  if (inList)
    return {
      op: 'in',
      property: inList[1] ?? '',
      values: [...(inList[2] ?? '').matchAll(new RegExp(QUOTED, 'g'))].map((m) => unquote(m[1])),
      negated: false,
    };
  const fn = FUNCTION.exec(part);
  if (fn)
    return {
      op: fn[1]?.toLowerCase() === 'endswith' ? 'endswith' : 'startswith',
      property: fn[2] ?? '',
      values: [unquote(fn[3])],
      negated: false,
    };
  throw new GraphRequestError(400, 'BadRequest', `Invalid filter clause: '${part}'.`);
}

function unsupported(property: string, resource: string): GraphRequestError {
  return new GraphRequestError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
  );
}

/** Splits on ` and ` outside quoted strings. */
function splitOnAnd(filter: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === "'") quoted = !quoted;
    else if (!quoted && filter.slice(i, i + 5).toLowerCase() === ' and ') {
      parts.push(filter.slice(start, i).trim());
      start = i + 5;
      i += 4;
    }
  }
  parts.push(filter.slice(start).trim());
  return parts;
}

/** Directory string comparisons are case-insensitive. */
export function matchesFilter(item: Record<string, unknown>, clauses: Clause[]): boolean {
  return clauses.every((clause) => matchesClause(item[clause.property], clause) !== clause.negated);
}

function matchesClause(value: unknown, clause: Clause): boolean {
  const wanted = clause.values.map((v) => v.toLowerCase());
  if (clause.op === 'any') return Array.isArray(value) && value.some((v) => typeof v === 'string' && wanted.includes(v.toLowerCase()));
  if (typeof value !== 'string') return false;
  const left = value.toLowerCase();
  if (clause.op === 'startswith') return left.startsWith(wanted[0] ?? '');
  if (clause.op === 'endswith') return left.endsWith(wanted[0] ?? '');
  return wanted.includes(left);
}
