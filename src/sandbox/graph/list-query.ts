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

/** An item as `$filter`, `$search` and `$orderby` see it: its top-level properties as Graph returns them. */
export type QueryView<T> = (item: T) => Record<string, unknown>;

/**
 * Applies `$filter`, `$search` and `$orderby` as Graph does on directory objects
 * (docs/sandbox-fidelity.md#advanced-queries): `$search` needs `ConsistencyLevel: eventual`;
 * `$orderby` needs the header and `$count=true`; so does any `ne`, `not` or `endsWith`. The items
 * stay as the caller keeps them; `view` shows each one's properties, so a route serializes only the
 * page it answers with (odata.ts `collection`), not every object the query looked at.
 */
export function queryItems<T = Record<string, unknown>>(
  req: SandboxRequest,
  items: T[],
  spec: ListSpec,
  view: QueryView<T> = (item) => item as Record<string, unknown>,
): T[] {
  const params = req.url.searchParams;
  const advanced = isAdvanced(req);
  // An advanced query is bounded by its URL's length, not by the count of `in` values (docs/graph-list-queries.md#limits).
  if (advanced && req.url.pathname.length + req.url.search.length > MAX_ADVANCED_URL) {
    throw new GraphRequestError(400, 'Request_UnsupportedQuery', `The request URL is longer than ${MAX_ADVANCED_URL} characters.`);
  }
  const clauses = parseFilter(params.get('$filter'), spec.filterable, spec.resource, advanced);
  const search = params.get('$search');
  const matches = search === null ? undefined : searchFor(req, search, spec);
  const orderby = params.get('$orderby');
  // Checked before any item is looked at, as the filter's clauses are: a bad `$orderby` is a 400 on an empty collection too.
  const order = orderby === null ? undefined : orderBy(orderby, advanced, spec);
  if (clauses.length === 0 && !matches && !order) return items;
  const viewed = items.map((item) => ({ item, shown: view(item) }));
  const kept = viewed.filter(({ shown }) => matchesFilter(shown, clauses) && (!matches || matches(shown)));
  if (order) kept.sort((a, b) => order(a.shown, b.shown));
  return kept.map(({ item }) => item);
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

type Order = (a: Record<string, unknown>, b: Record<string, unknown>) => number;

function orderBy(orderby: string, advanced: boolean, spec: ListSpec): Order {
  const [property = '', direction = 'asc'] = orderby.trim().split(/\s+/);
  if (!advanced || !(spec.orderable ?? []).includes(property)) {
    throw new GraphRequestError(400, 'Request_UnsupportedQuery', `Sorting not supported for current query.`);
  }
  const sign = direction.toLowerCase() === 'desc' ? -1 : 1;
  const { compare } = new Intl.Collator('en', { sensitivity: 'base' });
  return (a, b) => sign * compare(String(a[property] ?? ''), String(b[property] ?? ''));
}
