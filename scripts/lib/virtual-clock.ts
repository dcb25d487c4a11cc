import type { Clock } from '../../src/core/clock.ts';

/**
 * One clock shared by the sandbox and the CLI under test: `sleep` advances time at once, so a
 * five-minute replication wait or a `Retry-After: 7` costs nothing, while both sides still agree
 * on what time it is (replication windows, throttling, token lifetimes). It starts at the real
 * time because the sandbox's TLS certificate is issued from this clock and must be valid now.
 */
export interface VirtualClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

export function createVirtualClock(startMs: number = Date.now()): VirtualClock {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    nowMs: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += Math.max(0, ms);
      // Let other tasks (the sandbox answering, a parallel step) run, as a real wait would.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** mulberry32: a small seeded PRNG, so a failing fault campaign can be replayed from its seed. */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
