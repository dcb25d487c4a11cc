import type { Clock } from '../../../src/core/clock.ts';

/** A clock that starts at real time and jumps forward on sleep, so retry loops run instantly. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function createTestClock(startMs: number): TestClock {
  let nowMs = startMs;
  return {
    now: () => new Date(nowMs),
    nowMs: () => nowMs,
    sleep: async (ms) => {
      nowMs += Math.max(0, ms);
    },
    advance: (ms) => {
      nowMs += ms;
    },
  };
}
