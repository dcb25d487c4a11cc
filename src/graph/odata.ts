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
