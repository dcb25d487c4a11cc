import type { Clock } from '../../src/clock.ts';

/** A clock that never waits: sleep advances time and is recorded, so tests can assert every wait. */
export function createFakeClock(startMs = Date.parse('2026-11-22T10:00:00Z')): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    nowMs: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
