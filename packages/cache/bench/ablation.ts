// Each choice of the W-TinyLFU policy against its alternatives, one at a time,
// on the whole suite and on the held-out traces: the README's "why these
// values" table. Run: pnpm --filter @perf/cache hit-ratio:ablation
// (about half an hour: 30 variants × 32 traces of up to a million accesses).
import { CountMinSketch, MAX_COUNT } from '../src/countMinSketch.js';
import type { Entry } from '../src/entry.js';
import { type ClimberTuning, HillClimber, type Sample } from '../src/hillClimber.js';
import { type FrequencyFilter, TinyLfuStore, type TinyLfuTuning, type WindowSizer } from '../src/tinyLfuStore.js';
import { caffeineHitRatios, installCaffeine } from './caffeine.js';
import { moreTraces, suiteTraces } from './hitRatio.js';
import { keyName, lruHitRatio } from './replay.js';
import type { Trace } from './trace.js';

/**
 * The hill climber of Caffeine 2.7+ for small caches (and of this package
 * before): keep the direction while the sampled hit rate does not fall, turn
 * when it does, decay the step, restart it when the hit rate jumps.
 */
class HitRateClimber implements WindowSizer {
  readonly #full: number;
  #step: number;
  #previous: number | undefined;
  constructor(
    capacity: number,
    fraction: number,
    readonly decay = 0.98,
    readonly restart = 0.05,
  ) {
    this.#full = Math.max(2, fraction * capacity);
    this.#step = -this.#full;
  }
  climb(s: Sample): number {
    const rate = s.hits / s.requests;
    const change = this.#previous === undefined ? 0 : rate - this.#previous;
    this.#previous = rate;
    const amount = change >= 0 ? this.#step : -this.#step;
    this.#step = Math.abs(change) >= this.restart ? Math.sign(amount || 1) * this.#full : this.decay * amount;
    return Math.trunc(amount) || 0;
  }
}

/** The shipped sketch's layout with conservative update: only the counters at the key's minimum grow. */
class ConservativeSketch implements FrequencyFilter {
  readonly #table: Uint8Array;
  readonly #mask: number;
  readonly #sample: number;
  #size = 0;
  constructor(entries: number) {
    let blocks = 1;
    while (blocks * 8 < entries) blocks *= 2;
    this.#table = new Uint8Array(blocks * 128);
    this.#mask = blocks - 1;
    this.#sample = 10 * Math.max(1, entries);
  }
  #slots(h: number, c: number): number[] {
    const block = (h & this.#mask) * 128;
    return [0, 1, 2, 3].map((row) => block + row * 32 + ((c >>> (row * 5)) & 31));
  }
  frequency(h: number, c: number): number {
    return Math.min(...this.#slots(h, c).map((i) => this.#table[i]!));
  }
  increment(h: number, c: number): void {
    const slots = this.#slots(h, c);
    const min = Math.min(...slots.map((i) => this.#table[i]!));
    if (min >= MAX_COUNT) return;
    for (const i of slots) if (this.#table[i] === min) this.#table[i] = min + 1;
    if (++this.#size >= this.#sample) {
      for (let i = 0; i < this.#table.length; i++) this.#table[i] = this.#table[i]! >>> 1;
      this.#size >>>= 1;
    }
  }
}

/**
 * TinyLFU's doorkeeper: a Bloom filter takes a key's first access, so keys
 * seen once never reach the sketch; it is cleared when the sketch ages.
 */
class DoorkeeperSketch implements FrequencyFilter {
  readonly #sketch: CountMinSketch;
  readonly #bloom: Uint8Array;
  readonly #sample: number;
  #seen = 0;
  constructor(entries: number) {
    this.#sketch = new CountMinSketch(entries, 8); // half the counters: the doorkeeper takes the rest of the space
    let bits = 1;
    while (bits < entries * 8) bits *= 2;
    this.#bloom = new Uint8Array(bits);
    this.#sample = this.#sketch.sampleSize;
  }
  #bits(h: number, c: number): [number, number, number] {
    const m = this.#bloom.length - 1;
    return [h & m, c & m, (h ^ (c >>> 7)) & m];
  }
  frequency(h: number, c: number): number {
    const [a, b, d] = this.#bits(h, c);
    const door = this.#bloom[a]! & this.#bloom[b]! & this.#bloom[d]!;
    return Math.min(MAX_COUNT, this.#sketch.frequency(h, c) + door);
  }
  increment(h: number, c: number): void {
    const [a, b, d] = this.#bits(h, c);
    if (this.#bloom[a]! & this.#bloom[b]! & this.#bloom[d]!) this.#sketch.increment(h, c);
    else {
      this.#bloom[a] = 1;
      this.#bloom[b] = 1;
      this.#bloom[d] = 1;
    }
    if (++this.#seen >= this.#sample) {
      this.#bloom.fill(0);
      this.#seen = 0;
    }
  }
}

const climber = (t: ClimberTuning) => (capacity: number) => new HillClimber(capacity, t);

/** One change at a time from the shipped policy (the first row). */
export const VARIANTS: readonly (readonly [string, TinyLfuTuning])[] = [
  ['shipped', {}],
  ['window fixed at 1 % (Caffeine 2.6.2)', { climber: () => undefined }],
  [
    'hit-rate climber, 6.25 % steps, sample 10 × (Caffeine 2.7+)',
    { samplePerEntry: 10, climber: (c) => new HitRateClimber(c, 0.0625) },
  ],
  [
    'hit-rate climber, 2 % steps, sample 10 × (this package before)',
    { samplePerEntry: 10, climber: (c) => new HitRateClimber(c, 0.02) },
  ],
  ['hit-rate climber, 6.25 % steps, sample 3 ×', { climber: (c) => new HitRateClimber(c, 0.0625) }],
  ['density steering only, no probes', { climber: climber({ probes: false }) }],
  ['probes without the ghost gate', { climber: climber({ ghostGate: 0 }) }],
  ['ghost gate 0.25', { climber: climber({ ghostGate: 0.25 }) }],
  ['ghost gate 1', { climber: climber({ ghostGate: 1 }) }],
  ['ghost list 0.25 × entries', { ghostPerEntry: 0.25 }],
  ['ghost list 1 × entries', { ghostPerEntry: 1 }],
  ['no anchor', { climber: climber({ anchorSamples: 0 }) }],
  ['anchor 64 samples', { climber: climber({ anchorSamples: 64 }) }],
  ['sample 2 × entries', { samplePerEntry: 2 }],
  ['sample 4 × entries', { samplePerEntry: 4 }],
  ['sample 10 × entries (the aging period)', { samplePerEntry: 10 }],
  ['density gain 0.03 (Caffeine)', { climber: climber({ densityGain: 0.03 }) }],
  ['density gain 0.2', { climber: climber({ densityGain: 0.2 }) }],
  ['largest step 10 %', { climber: climber({ maxStep: 0.1 }) }],
  ['window floor 0.5 %', { climber: climber({ floor: 0.005 }) }],
  ['window floor 5 %', { climber: climber({ floor: 0.05 }) }],
  ['window starts at 20 %', { initialWindow: 0.2 }],
  ['protected 60 % of main', { protectedShare: 0.6 }],
  ['protected 90 % of main', { protectedShare: 0.9 }],
  ['sketch: conservative update', { sketch: (n) => new ConservativeSketch(n) }],
  ['sketch: 8 counters per entry', { sketch: (n) => new CountMinSketch(n, 8) }],
  ['sketch: 64 counters per entry', { sketch: (n) => new CountMinSketch(n, 64) }],
  ['sketch: aging every 5 × entries', { sketch: (n) => new CountMinSketch(n, 16, 5) }],
  ['sketch: aging every 20 × entries', { sketch: (n) => new CountMinSketch(n, 16, 20) }],
  ['sketch: doorkeeper (+ 8 counters per entry)', { sketch: (n) => new DoorkeeperSketch(n) }],
];

/** The store on its own (what `Cache` does on get, then set on a miss), with a tuning. */
export function storeHitRatio(trace: Trace, tuning: TinyLfuTuning): number {
  const store = new TinyLfuStore<number>({ capacity: trace.cacheSize, onRemove: () => {}, tuning });
  const entry = { value: 1, negative: false } as Entry<number>;
  let hits = 0;
  for (const id of trace.keys) {
    const key = keyName(id);
    if (store.get(key) !== undefined) hits++;
    else store.set(key, entry);
  }
  return hits / trace.keys.length;
}

interface Scored {
  readonly mean: number;
  readonly worst: number;
  readonly worstTrace: string;
}

function score(traces: readonly Trace[], bars: readonly number[], tuning: TinyLfuTuning): Scored {
  let sum = 0;
  let worst = Number.POSITIVE_INFINITY;
  let worstTrace = '';
  traces.forEach((t, i) => {
    const r = storeHitRatio(t, tuning);
    sum += r;
    if (r - bars[i]! < worst) {
      worst = r - bars[i]!;
      worstTrace = t.name;
    }
  });
  return { mean: sum / traces.length, worst, worstTrace };
}

/** The better of LRU and Caffeine on each trace (LRU alone when the Caffeine column is skipped). */
function bars(traces: readonly Trace[]): number[] {
  const caffeine = caffeineHitRatios(traces);
  return traces.map((t, i) => Math.max(lruHitRatio(t), Array.isArray(caffeine) ? caffeine[i]! : 0));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  installCaffeine();
  const suite = suiteTraces();
  const more = moreTraces();
  const suiteBars = bars(suite);
  const moreBars = bars(more);
  const f = (x: number) => (x * 100).toFixed(1);
  console.log(
    '| variant | suite: mean | suite: worst vs better of LRU, Caffeine | held out: mean | held out: worst |\n|---|---|---|---|---|',
  );
  for (const [name, tuning] of VARIANTS) {
    const a = score(suite, suiteBars, tuning);
    const b = score(more, moreBars, tuning);
    console.log(
      `| ${name} | ${f(a.mean)}% | ${f(a.worst)} (${a.worstTrace}) | ${f(b.mean)}% | ${f(b.worst)} (${b.worstTrace}) |`,
    );
  }
}
