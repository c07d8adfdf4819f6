// Time in tests is never real: either a clock the code under test is given
// (`now` options) or vitest's fake timers. One setup of each, for every package.
import { afterEach, beforeEach, vi } from 'vitest';

export interface ManualClock {
  /** The clock to inject: milliseconds, like `Date.now`. */
  readonly now: () => number;
  /** The same time in whole seconds (JWT NumericDate). */
  readonly seconds: () => number;
  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void;
  /** Sets the clock. */
  set(ms: number): void;
}

/** A clock that moves only when told to; starts at 2030-01-01T00:00:00Z unless given `start`. */
export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let t = start;
  return {
    now: () => t,
    seconds: () => Math.floor(t / 1000),
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** The fixed wall-clock time fake timers start at, so that dates in failures are reproducible. */
export const FAKE_NOW = 1_000_000;

/**
 * Fake timers for every test of the calling file (or `describe` block):
 * `setTimeout`, `setInterval`, `Date` and `performance.now` are vitest's,
 * starting at {@link FAKE_NOW}; real ones come back after each test.
 */
export function useFakeTime(): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: FAKE_NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
