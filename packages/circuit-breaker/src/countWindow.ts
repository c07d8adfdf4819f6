import { InvalidOptionError } from './errors.js';
import { type CountWindowOptions, resolveCountWindow } from './options.js';
import { RateThresholds } from './rateThresholds.js';
import type { BreakerStrategy, StrategySnapshot } from './strategy.js';

// One byte per call in a ring: 0 = empty slot, bit 1 = a call, bit 2 = failed, bit 4 = slow.
const CALL = 1;
const FAILED = 2;
const SLOW = 4;

/** Failure rate and slow-call rate over the last `size` calls (resilience4j's COUNT_BASED window). */
export class CountWindow implements BreakerStrategy {
  readonly needsTime = false;
  readonly slowCallDurationMs: number;
  readonly #rules: RateThresholds;
  readonly #ring: Uint8Array;
  #next = 0;
  #calls = 0;
  #failures = 0;
  #slow = 0;

  constructor(options: CountWindowOptions = {}) {
    const resolved = resolveCountWindow(options);
    this.#rules = new RateThresholds(resolved);
    this.slowCallDurationMs = this.#rules.slowCallDurationMs;
    this.#ring = new Uint8Array(resolved.size);
  }

  record(failed: boolean, slow: boolean): boolean {
    const ring = this.#ring;
    const old = ring[this.#next] as number;
    if (old !== 0) {
      this.#calls--;
      if (old & FAILED) this.#failures--;
      if (old & SLOW) this.#slow--;
    }
    ring[this.#next] = CALL | (failed ? FAILED : 0) | (slow ? SLOW : 0);
    this.#calls++;
    if (failed) this.#failures++;
    if (slow) this.#slow++;
    this.#next = this.#next + 1 === ring.length ? 0 : this.#next + 1;
    return this.#rules.exceeded(this.#calls, this.#failures, this.#slow);
  }

  reset(): void {
    this.#ring.fill(0);
    this.#next = this.#calls = this.#failures = this.#slow = 0;
  }

  snapshot(): StrategySnapshot {
    // Oldest first, so a restore replays them in order.
    const data: number[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const v = this.#ring[(this.#next + i) % this.#ring.length] as number;
      if (v !== 0) data.push(v);
    }
    return { type: 'count-window', data };
  }

  restore(snapshot: StrategySnapshot): void {
    if (snapshot.type !== 'count-window' || snapshot.data.some((v) => !Number.isInteger(v) || v < 1 || v > 7)) {
      throw new InvalidOptionError('restore.strategy', 'a CountWindow snapshot', snapshot.type);
    }
    this.reset();
    for (const v of snapshot.data) this.record((v & FAILED) !== 0, (v & SLOW) !== 0);
  }
}
