import { numberAtLeast, percentage } from './validate.js';

/** The resilience4j-style rules shared by the sliding-window strategies. */
export interface RateThresholdOptions {
  /** Failure rate (percent, (0, 100]) at or above which the circuit opens. Default 50. */
  readonly failureRateThreshold?: number;
  /** Slow-call rate (percent, (0, 100]) at or above which the circuit opens. Default 100. Needs `slowCallDurationMs`. */
  readonly slowCallRateThreshold?: number;
  /** A call taking at least this many ms counts as slow. Default `Infinity` (slow calls are not tracked, calls are not timed). */
  readonly slowCallDurationMs?: number;
  /** No rate applies until the window holds at least this many calls. Default 100 (capped at a count window's size). */
  readonly minimumCalls?: number;
}

/** Validated thresholds and the O(1) rule that compares a window's totals with them. */
export class RateThresholds {
  readonly failureRate: number;
  readonly slowRate: number;
  readonly slowCallDurationMs: number;
  readonly minimumCalls: number;

  constructor(prefix: string, options: RateThresholdOptions, defaultMinimum: number) {
    this.failureRate = percentage(`${prefix} failureRateThreshold`, options.failureRateThreshold ?? 50);
    this.slowRate = percentage(`${prefix} slowCallRateThreshold`, options.slowCallRateThreshold ?? 100);
    this.slowCallDurationMs = numberAtLeast(
      `${prefix} slowCallDurationMs`,
      options.slowCallDurationMs ?? Number.POSITIVE_INFINITY,
      0,
      true,
    );
    this.minimumCalls = numberAtLeast(`${prefix} minimumCalls`, options.minimumCalls ?? defaultMinimum, 1);
  }

  exceeded(calls: number, failures: number, slow: number): boolean {
    if (calls < this.minimumCalls) return false;
    return failures * 100 >= this.failureRate * calls || slow * 100 >= this.slowRate * calls;
  }
}
