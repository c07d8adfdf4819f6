import type { RateThresholdOptions } from './options.js';

/** The O(1) rule the sliding-window strategies share: compares a window's totals with the resolved thresholds. */
export class RateThresholds {
  readonly failureRate: number;
  readonly slowRate: number;
  readonly slowCallDurationMs: number;
  readonly minimumCalls: number;

  /** @param rates thresholds already checked by `resolveRateThresholds`. */
  constructor(rates: Required<RateThresholdOptions>) {
    this.failureRate = rates.failureRateThreshold;
    this.slowRate = rates.slowCallRateThreshold;
    this.slowCallDurationMs = rates.slowCallDurationMs;
    this.minimumCalls = rates.minimumCalls;
  }

  exceeded(calls: number, failures: number, slow: number): boolean {
    if (calls < this.minimumCalls) return false;
    return failures * 100 >= this.failureRate * calls || slow * 100 >= this.slowRate * calls;
  }
}
