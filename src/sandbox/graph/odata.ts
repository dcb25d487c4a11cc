import type { SandboxContext, SandboxRequest } from '../context.ts';
import { GraphRequestError } from './errors.ts';

/** One `$filter` clause the sandbox understands: `p eq 'v'`, `startswith(p,'v')` or `p/any(x:x eq 'v')`. */
interface Clause {
  op: 'eq' | 'startswith' | 'any';
  property: string;
  value: string;
}

const QUOTED = "'((?:[^']|'')*)'";
const EQ = new RegExp(`^([A-Za-z]+)\\s+eq\\s+${QUOTED}$`);
const STARTS_WITH = new RegExp(`^startswith\\(\\s*([A-Za-z]+)\\s*,\\s*${QUOTED}\\s*\\)$`, 'i');
// The lambda form on a string collection, e.g. `tags/any(t:t eq 'entra-mail:managed')` (docs/graph-applications.md#read).
const ANY = new RegExp(`^([A-Za-z]+)/any\\(\\s*([A-Za-z]\\w*)\\s*:\\s*\\2\\s+eq\\s+${QUOTED}\\s*\\)$`);

/**
 * Parses `$filter` as a conjunction of `eq` / `startswith` clauses on the properties a resource
 * allows (docs/graph-applications.md#read, docs/graph-service-principals-and-consent.md#service-principal, docs/graph-service-principals-and-consent.md#delegated-consent-oauth2permissiongrants). Quotes inside values are doubled, as OData requires and as
 * docs/reliability.md#odata-injection checks. Anything else is Graph's 400 Request_UnsupportedQuery.
 */
export function parseFilter(filter: string | null, allowed: string[], resource: string): Clause[] {
  if (filter === null || filter.trim() === '') return [];
  const clauses: Clause[] = [];
  for (const part of splitOnAnd(filter.trim())) {
    const any = part.match(ANY);
    if (any) {
      if (!allowed.includes(any[1] ?? '')) throw unsupported(any[1] ?? '', resource);
      clauses.push({ op: 'any', property: any[1] ?? '', value: (any[3] ?? '').replace(/''/g, "'") });
      continue;
    }
    const eq = part.match(EQ);
    const sw = eq ? null : part.match(STARTS_WITH);
    const found = eq ?? sw;
    if (!found) throw new GraphRequestError(400, 'BadRequest', `Invalid filter clause: '${part}'.`);
    const property = found[1] ?? '';
    if (!allowed.includes(property)) throw unsupported(property, resource);
    clauses.push({ op: eq ? 'eq' : 'startswith', property, value: (found[2] ?? '').replace(/''/g, "'") });
  }
  return clauses;
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
  return clauses.every((clause) => {
    const value = item[clause.property];
    if (clause.op === 'any')
      return Array.isArray(value) && value.some((v) => typeof v === 'string' && v.toLowerCase() === clause.value.toLowerCase());
    if (typeof value !== 'string') return false;
    const left = value.toLowerCase();
    const right = clause.value.toLowerCase();
    return clause.op === 'eq' ? left === right : left.startsWith(right);
  });
}

/** `$select` names, validated against the serialized object's properties. */
export function parseSelect(req: SandboxRequest, known: string[], type: string): string[] | undefined {
  const raw = req.url.searchParams.get('$select');
  if (!raw) return undefined;
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!known.includes(name))
      throw new GraphRequestError(400, 'BadRequest', `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`);
  }
  return names;
}

export function applySelect(item: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  return Object.fromEntries(select.map((name) => [name, item[name]]));
}

/** `@odata.context` as Graph writes it: `…/$metadata#applications`, `#applications(id,appId)/$entity`. */
export function odataContext(
  ctx: SandboxContext,
  entitySet: string,
  options: { select?: string[] | undefined; entity?: boolean } = {},
): string {
  const selected = options.select ? `(${options.select.join(',')})` : '';
  return `${ctx.origin}/v1.0/$metadata#${entitySet}${selected}${options.entity ? '/$entity' : ''}`;
}

/** A collection answer, honouring `$top` (no paging beyond it: the sandbox's lists are short). */
export function collection(
  ctx: SandboxContext,
  req: SandboxRequest,
  entitySet: string,
  items: Record<string, unknown>[],
  select: string[] | undefined,
) {
  const top = Number(req.url.searchParams.get('$top') ?? NaN);
  const page = Number.isInteger(top) && top > 0 ? items.slice(0, top) : items;
  return {
    status: 200,
    body: { '@odata.context': odataContext(ctx, entitySet, { select }), value: page.map((item) => applySelect(item, select)) },
  };
}

export function entity(ctx: SandboxContext, entitySet: string, item: Record<string, unknown>, select: string[] | undefined, status = 200) {
  return { status, body: { '@odata.context': odataContext(ctx, entitySet, { select, entity: true }), ...applySelect(item, select) } };
}

/** Graph's timestamps: ISO 8601 UTC without milliseconds. */
export function graphDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
