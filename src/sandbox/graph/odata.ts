import type { SandboxContext, SandboxRequest, SandboxResponse } from '../context.ts';
import { GraphRequestError } from './errors.ts';

export { matchesFilter, parseFilter } from './filter.ts';

/** Graph's default page size for directory collections, and the largest `$top` it takes. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

/** `ConsistencyLevel: eventual` — the header that turns on advanced queries. */
export function isEventual(req: SandboxRequest): boolean {
  const value = req.headers['consistencylevel'];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().toLowerCase() === 'eventual';
}

/** Advanced query parameters: the header and `$count=true` (docs/sandbox-fidelity.md#advanced-queries). */
export function isAdvanced(req: SandboxRequest): boolean {
  return isEventual(req) && req.url.searchParams.get('$count')?.toLowerCase() === 'true';
}

/**
 * `$select` names, checked against the type's properties: an unknown one is Graph's 400
 * "Could not find a property named …" (docs/sandbox-fidelity.md#select-and-expand).
 */
export function parseSelect(req: SandboxRequest, known: readonly string[], type: string): string[] | undefined {
  const raw = req.url.searchParams.get('$select');
  if (!raw) return undefined;
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const lower = new Map(known.map((k) => [k.toLowerCase(), k]));
  return names.map((name) => {
    const found = lower.get(name.toLowerCase());
    if (!found)
      throw new GraphRequestError(
        400,
        'BadRequest',
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
      );
    return found;
  });
}

/** `$expand` names, checked against the navigation properties the route can expand. */
export function parseExpand(req: SandboxRequest, known: readonly string[], type: string): string[] {
  const raw = req.url.searchParams.get('$expand');
  if (!raw) return [];
  return raw
    .split(',')
    .map((n) => n.trim().replace(/\(.*\)$/, ''))
    .filter(Boolean)
    .map((name) => {
      const found = known.find((k) => k.toLowerCase() === name.toLowerCase());
      if (!found)
        throw new GraphRequestError(
          400,
          'BadRequest',
          `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
        );
      return found;
    });
}

export function applySelect(item: Record<string, unknown>, select: string[] | undefined, keep: string[] = []): Record<string, unknown> {
  if (!select) return item;
  return Object.fromEntries([...select, ...keep].filter((name) => name in item || select.includes(name)).map((name) => [name, item[name]]));
}

/**
 * `@odata.context` as Graph writes it: `…/$metadata#applications`, `#applications(id,appId)/$entity`.
 * Written with the sandbox origin and v1.0; the server rewrites both to what the client used.
 */
export function odataContext(
  ctx: SandboxContext,
  entitySet: string,
  options: { select?: string[] | undefined; entity?: boolean } = {},
): string {
  const selected = options.select ? `(${options.select.join(',')})` : '';
  return `${ctx.origin}/v1.0/$metadata#${entitySet}${selected}${options.entity ? '/$entity' : ''}`;
}

/**
 * A page of a collection: `$top` (1–999) or the default page size (100, or the sandbox's
 * `pageSize` knob, which also caps `$top` when below 100), `@odata.nextLink` with an opaque `$skiptoken` while items remain, and
 * `@odata.count` when `$count=true` comes with `ConsistencyLevel: eventual` (without the
 * header Graph ignores `$count=true`). docs/sandbox-fidelity.md#paging-and-counting. `serialize`
 * turns an item the route keeps into what Graph returns.
 */
export function collection<T = Record<string, unknown>>(
  ctx: SandboxContext,
  req: SandboxRequest,
  entitySet: string,
  items: T[],
  select: string[] | undefined,
  serialize: (item: T) => Record<string, unknown> = (item) => item as Record<string, unknown>,
): SandboxResponse {
  // A knob below Graph's default also caps `$top`, so a client asking for 999 still meets its paging code in a test.
  const top = readTop(req);
  const knob = ctx.knobs.pageSize ?? DEFAULT_PAGE_SIZE;
  const size = top === undefined ? knob : knob < DEFAULT_PAGE_SIZE ? Math.min(top, knob) : top;
  const offset = readSkipToken(req);
  const page = items.slice(offset, offset + size);
  const body: Record<string, unknown> = { '@odata.context': odataContext(ctx, entitySet, { select }) };
  if (isAdvanced(req)) body['@odata.count'] = items.length;
  if (offset + size < items.length) body['@odata.nextLink'] = nextLink(req, offset + size);
  // Only the page is serialized: the items before and after it are never shown.
  body['value'] = page.map((item) => applySelect(serialize(item), select));
  return { status: 200, body };
}

/** `GET …/$count`: the number as text/plain, only with `ConsistencyLevel: eventual`. */
export function countOnly(req: SandboxRequest, items: unknown[]): SandboxResponse {
  if (!isEventual(req)) throw new GraphRequestError(400, 'Request_BadRequest', '$count is not currently supported.');
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(items.length) };
}

export function entity(ctx: SandboxContext, entitySet: string, item: Record<string, unknown>, select: string[] | undefined, status = 200) {
  return { status, body: { '@odata.context': odataContext(ctx, entitySet, { select, entity: true }), ...applySelect(item, select) } };
}

function readTop(req: SandboxRequest): number | undefined {
  const raw = req.url.searchParams.get('$top');
  if (raw === null) return undefined;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) {
    throw new GraphRequestError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
    );
  }
  return top;
}

const SKIP_TOKEN_PREFIX = 'RFNwdAoAAQAAAA';

/** The next page's URL: the request's own (its query as sent), with the skip token replaced. */
function nextLink(req: SandboxRequest, offset: number): string {
  const kept = req.url.search
    .slice(1)
    .split('&')
    .filter((part) => part && !/^(\$|%24)skiptoken=/i.test(part));
  kept.push(`$skiptoken=${SKIP_TOKEN_PREFIX}${Buffer.from(`offset:${offset}`).toString('base64url')}`);
  return `${req.url.origin}${req.url.pathname}?${kept.join('&')}`;
}

function readSkipToken(req: SandboxRequest): number {
  const token = req.url.searchParams.get('$skiptoken');
  if (token === null) return 0;
  const decoded = token.startsWith(SKIP_TOKEN_PREFIX)
    ? Buffer.from(token.slice(SKIP_TOKEN_PREFIX.length), 'base64url').toString('utf8')
    : '';
  const offset = Number(/^offset:(\d+)$/.exec(decoded)?.[1] ?? NaN);
  if (!Number.isInteger(offset))
    throw new GraphRequestError(400, 'Request_BadRequest', `Invalid value specified for query parameter '$skiptoken'.`);
  return offset;
}

/** Graph's timestamps: ISO 8601 UTC without milliseconds. */
export function graphDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
