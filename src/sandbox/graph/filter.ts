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

/**
 * The `$filter` operators Graph documents for one property, as each resource page lists them
 * ("Supports `$filter` (`eq`, `ne`, `not`, `in`, `startsWith`)"): `not` stands for `ne` and `not(…)`,
 * `any` for the lambda on a string collection (docs/graph-list-queries.md#filter-support).
 */
export type FilterOperator = 'eq' | 'not' | 'in' | 'startsWith' | 'any';
export type FilterSupport = Readonly<Record<string, readonly FilterOperator[]>>;

/** `in` takes at most 15 values in a default query; an advanced query is bounded by a 2,048-character URL instead. */
export const MAX_IN_VALUES = 15;
export const MAX_ADVANCED_URL = 2048;
/** An `eq` value is at most 120 characters in a default query. */
export const MAX_EQ_VALUE = 120;

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
export function parseFilter(filter: string | null, allowed: string[] | FilterSupport, resource: string, advanced = false): Clause[] {
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
    if (clause.op === 'endswith' || !supports(allowed, clause, ne !== undefined)) throw unsupported(clause.property, resource);
    checkLimits(clause, advanced);
    return clause;
  });
}

/** A bare property list (the older routes) allows every operator but `endsWith`; a support table allows what it lists. */
function supports(allowed: string[] | FilterSupport, clause: Clause, ne: boolean): boolean {
  if (Array.isArray(allowed)) return allowed.includes(clause.property);
  const operators = (allowed as FilterSupport)[clause.property];
  if (!operators) return false;
  if (clause.op === 'endswith') return false;
  const operator: FilterOperator = clause.op === 'startswith' ? 'startsWith' : clause.op;
  return operators.includes(operator) && (!(clause.negated || ne) || operators.includes('not'));
}

/**
 * Graph's query limits (docs/graph-list-queries.md#limits): `in` with more than 15 values, or an `eq`
 * value over 120 characters, is refused in a default query. The wording of these two errors is the
 * sandbox's own; Microsoft documents the limits, not the message.
 */
function checkLimits(clause: Clause, advanced: boolean): void {
  if (advanced) return;
  if (clause.op === 'in' && clause.values.length > MAX_IN_VALUES) {
    throw new GraphRequestError(
      400,
      'Request_UnsupportedQuery',
      `Too many values in the 'in' operator on property '${clause.property}': ${clause.values.length}, at most ${MAX_IN_VALUES}.`,
    );
  }
  if ((clause.op === 'eq' || clause.op === 'any') && clause.values.some((v) => v.length > MAX_EQ_VALUE)) {
    throw new GraphRequestError(
      400,
      'Request_UnsupportedQuery',
      `The value compared with property '${clause.property}' is longer than ${MAX_EQ_VALUE} characters.`,
    );
  }
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
