import type { SandboxRequest } from '../context.ts';
import { GraphRequestError } from './errors.ts';
import { type FilterSupport, MAX_ADVANCED_URL, matchesFilter, parseFilter } from './filter.ts';
import { isAdvanced, isEventual } from './odata.ts';

/** What a collection route lets a client query. */
export interface ListSpec {
  /** Properties `$filter` may name, with the operators Graph documents for each (src/sandbox/graph/filter-support.ts). */
  filterable: string[] | FilterSupport;
  /** Resource name in Graph's filter errors, e.g. 'Application'. */
  resource: string;
  /** Properties `$orderby` may name (advanced queries only), and `$search` may search. */
  orderable?: string[];
  searchable?: string[];
}

/**
 * Applies `$filter`, `$search` and `$orderby` as Graph does on directory objects
 * (docs/sandbox-fidelity.md#advanced-queries): `$search` needs `ConsistencyLevel: eventual`;
 * `$orderby` needs the header and `$count=true`; so does any `ne`, `not` or `endsWith`.
 */
export function queryItems(req: SandboxRequest, items: Record<string, unknown>[], spec: ListSpec): Record<string, unknown>[] {
  const params = req.url.searchParams;
  const advanced = isAdvanced(req);
  // An advanced query is bounded by its URL's length, not by the count of `in` values (docs/graph-list-queries.md#limits).
  if (advanced && req.url.pathname.length + req.url.search.length > MAX_ADVANCED_URL) {
    throw new GraphRequestError(400, 'Request_UnsupportedQuery', `The request URL is longer than ${MAX_ADVANCED_URL} characters.`);
  }
  const clauses = parseFilter(params.get('$filter'), spec.filterable, spec.resource, advanced);
  let result = items.filter((item) => matchesFilter(item, clauses));
  const search = params.get('$search');
  if (search !== null) result = result.filter(searchFor(req, search, spec));
  const orderby = params.get('$orderby');
  if (orderby !== null) result = orderBy(result, orderby, advanced, spec);
  return result;
}

function searchFor(req: SandboxRequest, search: string, spec: ListSpec): (item: Record<string, unknown>) => boolean {
  if (!isEventual(req)) {
    throw new GraphRequestError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  }
  const match = /^"([A-Za-z]+):(.*)"$/.exec(search.trim());
  const property = match?.[1] ?? '';
  if (!match || !(spec.searchable ?? []).includes(property)) {
    throw new GraphRequestError(
      400,
      'Request_UnsupportedQuery',
      `Unsupported or invalid search clause specified for resource '${spec.resource}'.`,
    );
  }
  const words = (match[2] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  // Directory $search matches tokens of the value by prefix (docs/sandbox-fidelity.md).
  return (item) => {
    const tokens = String(item[property] ?? '')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    return words.every((word) => tokens.some((token) => token.startsWith(word)));
  };
}

function orderBy(items: Record<string, unknown>[], orderby: string, advanced: boolean, spec: ListSpec): Record<string, unknown>[] {
  const [property = '', direction = 'asc'] = orderby.trim().split(/\s+/);
  if (!advanced || !(spec.orderable ?? []).includes(property)) {
    throw new GraphRequestError(400, 'Request_UnsupportedQuery', `Sorting not supported for current query.`);
  }
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort(
    (a, b) => sign * String(a[property] ?? '').localeCompare(String(b[property] ?? ''), 'en', { sensitivity: 'base' }),
  );
}
