/**
 * OData string literals: a single quote is doubled, then the whole literal is percent-encoded
 * for the URL (docs/reliability.md#odata-injection: a name like `a' or startswith(displayName,'` must
 * stay one literal).
 */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `(uniqueName='…')`-style alternate key segment, URL-encoded. */
export function keySegment(property: string, value: string): string {
  return `(${property}=${encodeURIComponent(odataString(value))})`;
}

/** `$filter=` query value, URL-encoded. */
export function filterQuery(expression: string): string {
  return `$filter=${encodeURIComponent(expression)}`;
}

/** The largest page Graph serves for directory collections: `$top` 1–999 (docs/graph-list-queries.md#limits). */
export const MAX_PAGE_SIZE = 999;

/** Values one `in (…)` may hold in a default (not advanced) query (docs/graph-list-queries.md#limits). */
export const MAX_IN_VALUES = 15;

/** `p in ('a','b')`, each value an OData string literal. */
export function inList(property: string, values: readonly string[]): string {
  return `${property} in (${values.map(odataString).join(',')})`;
}
