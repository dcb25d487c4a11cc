import { createHash } from 'node:crypto';
import { UsageError } from '../core/errors.ts';

/** `--shard i/N`: this run takes shard i (1 to N) of N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard: '${value}' is not i/N with 1 ≤ i ≤ N, e.g. 1/4 for the first of four shards.`, { flag: '--shard' });
  return { index, count };
}

/**
 * The shard a tenant belongs to (1-based): from a hash of its id or domain as the file spells it
 * after lower-casing, never from its position, so adding, removing or reordering tenants moves no
 * other tenant to another shard, and every machine of a job matrix agrees without a coordinator.
 */
export function shardOf(tenant: string, count: number): number {
  const digest = createHash('sha256').update(tenant.trim().toLowerCase()).digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(count)) + 1;
}

/** The tenants shard `shard` takes, in the file's order. */
export function selectShard<T extends { tenant: string }>(tenants: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...tenants];
  return tenants.filter((t) => shardOf(t.tenant, shard.count) === shard.index);
}
