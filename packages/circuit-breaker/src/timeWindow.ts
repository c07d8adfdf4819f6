import { InvalidOptionError } from './errors.js';
import { resolveTimeWindow, type TimeWindowOptions } from './options.js';
import { RateThresholds } from './rateThresholds.js';
import type { BreakerStrategy, StrategySnapshot } from './strategy.js';

/**
 * Failure rate and slow-call rate over the calls of the last `windowMs`
 * (resilience4j's TIME_BASED window). Fixed memory; each record is O(1)
 * amortised (a bucket is cleared at most once per rotation).
 */
export class TimeWindow implements BreakerStrategy {
  readonly needsTime = true;
  readonly slowCallDurationMs: number;
  readonly #rules: RateThresholds;
  readonly #bucketMs: number;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;
  readonly #slow: Uint32Array;
  /** Absolute index (now / bucketMs) of the newest bucket; -1 when empty. */
  #head = -1;
  #totalCalls = 0;
  #totalFailures = 0;
  #totalSlow = 0;

  constructor(options: TimeWindowOptions = {}) {
    const { windowMs, buckets, ...rates } = resolveTimeWindow(options);
    this.#rules = new RateThresholds(rates);
    this.slowCallDurationMs = this.#rules.slowCallDurationMs;
    this.#bucketMs = windowMs / buckets;
    this.#calls = new Uint32Array(buckets);
    this.#failures = new Uint32Array(buckets);
    this.#slow = new Uint32Array(buckets);
  }

  record(failed: boolean, slow: boolean, now: number): boolean {
    const slot = this.#advance(now);
    this.#calls[slot] = (this.#calls[slot] as number) + 1;
    this.#totalCalls++;
    if (failed) {
      this.#failures[slot] = (this.#failures[slot] as number) + 1;
      this.#totalFailures++;
    }
    if (slow) {
      this.#slow[slot] = (this.#slow[slot] as number) + 1;
      this.#totalSlow++;
    }
    return this.#rules.exceeded(this.#totalCalls, this.#totalFailures, this.#totalSlow);
  }

  /** Drops the buckets that fell out of the window and returns the slot for `now`. */
  #advance(now: number): number {
    const n = this.#calls.length;
    const index = Math.floor(now / this.#bucketMs);
    // A clock that went backwards a little keeps writing into the newest bucket; one that is
    // a whole window or more behind the newest bucket (e.g. a snapshot from a clock ahead of
    // ours) would never rotate the window until it caught up: start the window afresh instead.
    if (index <= this.#head && this.#head - index < n) return this.#head % n;
    if (this.#head < 0 || index - this.#head >= n || index < this.#head) this.reset();
    else for (let b = this.#head + 1; b <= index; b++) this.#clear(b % n);
    this.#head = index;
    return index % n;
  }

  #clear(slot: number): void {
    this.#totalCalls -= this.#calls[slot] as number;
    this.#totalFailures -= this.#failures[slot] as number;
    this.#totalSlow -= this.#slow[slot] as number;
    this.#calls[slot] = this.#failures[slot] = this.#slow[slot] = 0;
  }

  reset(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slow.fill(0);
    this.#head = -1;
    this.#totalCalls = this.#totalFailures = this.#totalSlow = 0;
  }

  snapshot(): StrategySnapshot {
    return { type: 'time-window', data: [this.#head, ...this.#calls, ...this.#failures, ...this.#slow] };
  }

  restore(snapshot: StrategySnapshot): void {
    const n = this.#calls.length;
    const d = snapshot.data;
    if (snapshot.type !== 'time-window' || d.length !== 1 + 3 * n || d.some((v) => !Number.isSafeInteger(v))) {
      throw new InvalidOptionError('restore.strategy', `a TimeWindow snapshot with ${n} buckets`, snapshot.type);
    }
    this.reset();
    this.#head = d[0] as number;
    for (let i = 0; i < n; i++) {
      this.#calls[i] = d[1 + i] as number;
      this.#failures[i] = d[1 + n + i] as number;
      this.#slow[i] = d[1 + 2 * n + i] as number;
      this.#totalCalls += this.#calls[i] as number;
      this.#totalFailures += this.#failures[i] as number;
      this.#totalSlow += this.#slow[i] as number;
    }
  }
}
