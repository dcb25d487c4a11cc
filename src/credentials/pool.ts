/**
 * Runs `work` over `items` with at most `limit` in flight, keeping input order in the result.
 * Used by `rotate --all`: a few apps at a time keeps the Graph writes well inside the
 * per-app-and-tenant write limits (docs/graph-errors-and-consistency.md#throttling), and each request still honours Retry-After.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
