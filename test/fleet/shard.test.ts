import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.ts';
import { parseShard, selectShard, shardOf } from '../../src/fleet/shard.ts';

const tenants = Array.from({ length: 200 }, (_, i) => ({ tenant: `tenant-${String(i).padStart(3, '0')}.onmicrosoft.com` }));

/** A seeded shuffle, so the test is the same on every run. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('--shard i/N', () => {
  it('four shards together are the whole file, with no tenant twice', () => {
    const shards = [1, 2, 3, 4].map((index) => selectShard(tenants, { index, count: 4 }).map((t) => t.tenant));
    const union = shards.flat();
    assert.equal(union.length, tenants.length);
    assert.deepEqual([...union].sort(), tenants.map((t) => t.tenant).sort());
    // Every shard takes a share (a hash, not a round robin: roughly a quarter each).
    for (const shard of shards) assert.ok(shard.length > 25, `a shard of ${shard.length}`);
  });

  it('reordering, adding or removing tenants moves no other tenant to another shard', () => {
    const before = new Map(tenants.map((t) => [t.tenant, shardOf(t.tenant, 4)]));
    const changed = [...shuffled(tenants, 7).slice(10), { tenant: 'new-customer.onmicrosoft.com' }];
    for (let index = 1; index <= 4; index++) {
      for (const t of selectShard(changed, { index, count: 4 })) {
        if (before.has(t.tenant)) assert.equal(before.get(t.tenant), index, t.tenant);
      }
    }
  });

  it('the shard key is the tenant as written, in any case; order within a shard is the file order', () => {
    assert.equal(shardOf('Contoso.OnMicrosoft.com', 7), shardOf('contoso.onmicrosoft.com', 7));
    const picked = selectShard(tenants, { index: 2, count: 3 });
    assert.deepEqual(
      picked.map((t) => t.tenant),
      tenants.filter((t) => picked.includes(t)).map((t) => t.tenant),
    );
  });

  it('parses i/N and refuses anything else with exit 2', () => {
    assert.deepEqual(parseShard('3/4'), { index: 3, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/4/2', '-1/4'])
      assert.throws(
        () => parseShard(bad),
        (e: unknown) => e instanceof UsageError && e.exitCode === 2,
        bad,
      );
  });
});
