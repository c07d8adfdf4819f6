// Sizes W-TinyLFU's window. Recency-biased traffic wants a large LRU window,
// frequency-biased traffic a small one, and real traffic changes its mind, so
// the split is steered once per sample of accesses by three rules (each one
// measured on the README's trace suite; the alternatives and their figures are
// there too):
//
// 1. Density steering (as Caffeine does for large caches, Manes 2026): compare
//    the hits each region earned per unit of capacity within the sample and
//    move capacity toward the one earning more, in proportion to the log of the
//    ratio. Both densities come from the same sample, so a phase change of the
//    workload moves both and cancels out: no cross-sample noise to chase.
// 2. Probes for the blind corner: a small window that earns nothing cannot say
//    what a larger one would earn. When it is starved and keys it turned away
//    keep coming back (the ghost list), the window jumps up by a rung and keeps
//    the new size only if the next sample's hit rate rises significantly and
//    the window earned the rise; otherwise it goes back and waits twice as long.
// 3. An anchor: a confirmed probe holds its size as a floor for a while, so
//    density steering cannot walk it back over a cliff it cannot see.
//
// O(1) per access (the store counts); this runs once per sample.

/** Accesses per sample, per entry of capacity. */
export const SAMPLE_PER_ENTRY = 3;
/** Step per unit of log density ratio, as a fraction of the capacity. */
export const DENSITY_GAIN = 0.1;
/** Largest density step, as a fraction of the capacity. */
export const MAX_STEP = 0.3;
/** Density steering does not shrink the window below this fraction of the capacity. */
export const WINDOW_FLOOR = 0.02;
/** Half a hit spread over the capacity: the density both regions get for free, so an empty one is finite. */
const EPSILON = 0.5;
/** A hit-rate jump this large while the window stood still marks a new workload: probing starts afresh. */
export const RESTART_THRESHOLD = 0.05;
/** Probe sizes, as fractions of the capacity, tried in turn. */
export const PROBE_RUNGS: readonly number[] = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4];
/** Longest wait between two failed probes, in samples. */
export const MAX_BACKOFF = 64;
/** Samples a confirmed probe holds its size as a floor. */
export const ANCHOR_SAMPLES = 32;
/** A probe must raise the hit rate by this many standard errors of the sample. */
const CONFIRM_ERRORS = 2;
/** Probes are considered when turned-away keys return at least this fraction as often (per slot) as main hits. */
const GHOST_GATE = 0.5;

/** What the store counted over one sample. */
export interface Sample {
  readonly requests: number;
  readonly hits: number;
  /** Hits on entries in the window. */
  readonly windowHits: number;
  /** Misses on keys the admission filter had turned away recently. */
  readonly ghostHits: number;
  /** How many turned-away keys the ghost list remembers. */
  readonly ghostCapacity: number;
  /** Entries in the main space now. */
  readonly mainEntries: number;
}

interface Probe {
  /** Window size before the probe. */
  readonly base: number;
  /** Hit rate and window hit rate of the sample before the probe. */
  readonly rate: number;
  readonly windowRate: number;
}

/** The climber's constants, for the ablation; every default is the shipped value. */
export interface ClimberTuning {
  readonly densityGain?: number;
  readonly maxStep?: number;
  readonly floor?: number;
  /** Probe out of the blind corner (true). */
  readonly probes?: boolean;
  /** Probe only when turned-away keys come back at least this fraction as often as main hits (0.5; 0: always). */
  readonly ghostGate?: number;
  readonly anchorSamples?: number;
}

export class HillClimber {
  /** The bound the window and main space share (entries, or weight). */
  readonly #capacity: number;
  readonly #gain: number;
  readonly #maxStep: number;
  readonly #floor: number;
  readonly #probes: boolean;
  readonly #ghostGate: number;
  readonly #anchorSamples: number;
  #previousRate: number | undefined;
  /** Consecutive samples without a change of the window. */
  #still = 0;
  #probe: Probe | undefined;
  #rung = 0;
  #backoff = 1;
  /** Samples to wait before the next probe. */
  #wait = 0;
  #anchor = 0;
  #anchorLeft = 0;

  constructor(capacity: number, tuning: ClimberTuning = {}) {
    this.#capacity = capacity;
    this.#gain = tuning.densityGain ?? DENSITY_GAIN;
    this.#maxStep = tuning.maxStep ?? MAX_STEP;
    this.#floor = tuning.floor ?? WINDOW_FLOOR;
    this.#probes = tuning.probes ?? true;
    this.#ghostGate = tuning.ghostGate ?? GHOST_GATE;
    this.#anchorSamples = tuning.anchorSamples ?? ANCHOR_SAMPLES;
  }

  /** Whether a probe is being measured (the window is on trial). */
  get probing(): boolean {
    return this.#probe !== undefined;
  }

  /** Ends a sample: the signed change of the window's size (< 0 shrinks it). */
  climb(s: Sample, window: number): number {
    const capacity = this.#capacity;
    const rate = s.hits / s.requests;
    const windowRate = s.windowHits / s.requests;
    const mainHits = s.hits - s.windowHits;
    const shift =
      this.#still >= 2 &&
      this.#probe === undefined &&
      this.#previousRate !== undefined &&
      Math.abs(rate - this.#previousRate) >= RESTART_THRESHOLD;
    if (shift) {
      this.#rung = 0;
      this.#backoff = 1;
      this.#wait = 0;
      this.#anchorLeft = 0;
    } else if (this.#anchorLeft > 0) {
      this.#anchorLeft--;
    }
    let delta: number;
    const probe = this.#probe;
    if (probe !== undefined) {
      this.#probe = undefined;
      const error = Math.sqrt(Math.max(rate * (1 - rate), 0.01) / s.requests);
      const rose = rate - probe.rate;
      if (rose > CONFIRM_ERRORS * error && windowRate - probe.windowRate >= rose) {
        this.#anchor = window;
        this.#anchorLeft = this.#anchorSamples;
        this.#rung = 0;
        this.#backoff = 1;
        delta = 0;
      } else {
        this.#backoff = Math.min(MAX_BACKOFF, this.#backoff * 2);
        this.#wait = this.#backoff;
        this.#rung = (this.#rung + 1) % PROBE_RUNGS.length;
        delta = probe.base - window;
      }
    } else if (this.#probes && this.#wait === 0 && window <= capacity / 4 && this.#blind(s, window, mainHits)) {
      this.#probe = { base: window, rate, windowRate };
      delta = Math.min(capacity - 1 - window, Math.round(PROBE_RUNGS[this.#rung]! * capacity));
    } else {
      if (this.#wait > 0) this.#wait--;
      delta = this.#steer(s.windowHits, mainHits, window);
    }
    delta = Math.trunc(delta) || 0; // never -0
    this.#still = delta === 0 ? this.#still + 1 : 0;
    this.#previousRate = rate;
    return delta;
  }

  /** The window earns (almost) nothing, yet keys it turned away come back: its worth cannot be read from inside. */
  #blind(s: Sample, window: number, mainHits: number): boolean {
    const starved = s.windowHits < Math.max(4, s.requests / 1024);
    if (!starved || window >= this.#capacity) return false;
    const ghostDensity = s.ghostHits / s.ghostCapacity;
    const mainDensity = (mainHits + EPSILON) / Math.max(1, s.mainEntries);
    return ghostDensity >= this.#ghostGate * mainDensity;
  }

  /** The density step: toward the region that earned more per unit of capacity, clamped by the floor and the anchor. */
  #steer(windowHits: number, mainHits: number, window: number): number {
    const capacity = this.#capacity;
    // The same small density added to both: a dead sample (no hits anywhere: a scan) moves nothing.
    const epsilon = EPSILON / capacity;
    const windowDensity = windowHits / window + epsilon;
    const mainDensity = mainHits / Math.max(1, capacity - window) + epsilon;
    const error = Math.log(windowDensity / mainDensity);
    let step = Math.sign(error) * Math.min(this.#maxStep * capacity, Math.abs(error) * this.#gain * capacity);
    const floor = Math.max(1, this.#floor * capacity);
    if (window + step < floor) step = Math.min(0, floor - window);
    if (this.#anchorLeft > 0 && window + step < this.#anchor) step = Math.min(0, this.#anchor - window);
    return step;
  }
}
