// The hill climber that sizes W-TinyLFU's window (Einziger, Eytan, Friedman,
// Manes, "Adaptive Software Cache Management", 2018; as Caffeine does it).
// Recency-biased traffic wants a large LRU window, frequency-biased traffic a
// small one, and no fixed split fits both. So the hit rate is sampled over a
// period of accesses; after each period the window takes a step, in the same
// direction while the hit rate keeps rising and in the other when it falls.
// Steps decay so the split settles, and a large change of the hit rate (the
// workload moved) restarts them at full size. O(1) per access, no timers.

/**
 * Fraction of the cache a full step moves between the window and the main
 * space. Caffeine uses 6.25 %; on our traces such steps follow the sampling
 * noise (a scan falling in one sample and not the next) and cost up to a point
 * on frequency-biased traffic, while 2 % keeps most of the gain on
 * recency-biased traffic (see the README's hit-ratio section).
 */
const STEP_FRACTION = 0.02;
/** Each step is this fraction of the previous one, so the split settles. */
const STEP_DECAY = 0.98;
/** A hit rate change this large (in either direction) restarts the steps at full size. */
const RESTART_THRESHOLD = 0.05;

/**
 * Decides the window's steps. The store counts a sample's hits and accesses
 * itself (two fields on the hit path) and calls `climb` once per sample.
 */
export class HillClimber {
  /** Accesses per sample. */
  readonly sampleSize: number;
  readonly #fullStep: number;
  #previousHitRate = 0;
  /** Signed: the next step, in entries (> 0 grows the window). Starts by shrinking, as Caffeine does. */
  #step: number;

  /**
   * `capacity`: the cache's entry bound; `sampleSize`: accesses per sample
   * (default 10 × capacity, the sketch's aging period).
   */
  constructor(capacity: number, sampleSize = 10 * capacity) {
    this.sampleSize = Math.max(1, Math.round(sampleSize));
    this.#fullStep = Math.max(1, STEP_FRACTION * capacity);
    this.#step = -this.#fullStep;
  }

  /** Ends a sample: the signed number of entries to move into the window (< 0: out of it). */
  climb(hitRate: number): number {
    const change = hitRate - this.#previousHitRate;
    // Keep going while the hit rate does not fall; turn around when it does.
    const amount = change >= 0 ? this.#step : -this.#step;
    this.#step = Math.abs(change) >= RESTART_THRESHOLD ? Math.sign(amount || 1) * this.#fullStep : STEP_DECAY * amount;
    this.#previousHitRate = hitRate;
    return Math.trunc(amount) || 0; // never -0
  }
}
