import { InvalidOptionError } from './errors.js';
import { integerAtLeast } from './options.js';
import type { BreakerStrategy, StrategySnapshot } from './strategy.js';

/** Opens after `threshold` failures in a row; any success resets the count. */
export class ConsecutiveFailures implements BreakerStrategy {
  readonly slowCallDurationMs = Number.POSITIVE_INFINITY;
  readonly needsTime = false;
  readonly threshold: number;
  #count = 0;

  /** @param threshold failures in a row that open the circuit (integer >= 1). */
  constructor(threshold: number) {
    this.threshold = integerAtLeast('ConsecutiveFailures threshold', threshold, 1);
  }

  record(failed: boolean): boolean {
    if (!failed) {
      this.#count = 0;
      return false;
    }
    return ++this.#count >= this.threshold;
  }

  reset(): void {
    this.#count = 0;
  }

  snapshot(): StrategySnapshot {
    return { type: 'consecutive-failures', data: [this.#count] };
  }

  restore(snapshot: StrategySnapshot): void {
    const count = snapshot.data[0];
    if (snapshot.type !== 'consecutive-failures' || snapshot.data.length !== 1 || !Number.isSafeInteger(count)) {
      throw new InvalidOptionError('restore.strategy', 'a ConsecutiveFailures snapshot', snapshot.type);
    }
    this.#count = count as number;
  }
}
