// The statistics behind `bench:compare` and the dashboard: medians with
// bootstrap confidence intervals, and the Mann–Whitney U rank test (no
// assumption of normality: benchmark timings are skewed and heavy-tailed).
import { seededRandom } from '@perf/testing/random';

/** A point estimate with its confidence interval. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  readonly resamples?: number;
  /** Confidence level of the interval (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling RNG (default 1): the same data always gives the same interval. */
  readonly seed?: number;
}

export function sorted(xs: readonly number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}

/** Quantile `q` (0..1) of ascending `s`, linearly interpolated between order statistics. */
export function quantileSorted(s: readonly number[], q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantileSorted(sorted(xs), 0.5);
}

// The median of one resample of ascending `s`, in O(n): count how often each
// index is drawn, then walk the counts to the middle order statistics (no sort).
function resampledMedian(s: readonly number[], counts: Uint32Array, rand: () => number): number {
  const n = s.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)]!++;
  const k1 = Math.floor((n - 1) / 2);
  const k2 = Math.floor(n / 2);
  let seen = 0;
  let a = Number.NaN;
  for (let i = 0; i < n; i++) {
    seen += counts[i]!;
    if (Number.isNaN(a) && seen > k1) a = s[i]!;
    if (seen > k2) return (a + s[i]!) / 2;
  }
  return a;
}

function percentileInterval(estimate: number, draws: number[], level: number): Interval {
  draws.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { estimate, low: quantileSorted(draws, tail), high: quantileSorted(draws, 1 - tail) };
}

function settings(o: BootstrapOptions): { resamples: number; level: number; rand: () => number } {
  return { resamples: o.resamples ?? 1000, level: o.level ?? 0.95, rand: seededRandom(o.seed ?? 1) };
}

/** Median of `xs` with a percentile bootstrap confidence interval. */
export function bootstrapMedian(xs: readonly number[], options: BootstrapOptions = {}): Interval {
  const { resamples, level, rand } = settings(options);
  const s = sorted(xs);
  const counts = new Uint32Array(s.length);
  const draws: number[] = [];
  for (let i = 0; i < resamples; i++) draws.push(resampledMedian(s, counts, rand));
  return percentileInterval(quantileSorted(s, 0.5), draws, level);
}

/**
 * median(num) / median(den) with a bootstrap interval, resampling both groups
 * independently: the ours/peer ratio, or current/baseline for a change.
 */
export function bootstrapRatio(
  num: readonly number[],
  den: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  const { resamples, level, rand } = settings(options);
  const a = sorted(num);
  const b = sorted(den);
  const ca = new Uint32Array(a.length);
  const cb = new Uint32Array(b.length);
  const draws: number[] = [];
  for (let i = 0; i < resamples; i++) draws.push(resampledMedian(a, ca, rand) / resampledMedian(b, cb, rand));
  return percentileInterval(quantileSorted(a, 0.5) / quantileSorted(b, 0.5), draws, level);
}

/** erfc with fractional error below 1.2e-7 (Numerical Recipes' Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

export interface MannWhitneyResult {
  /** U statistic of the first sample: how many (a, b) pairs have a > b (ties count ½). */
  readonly u: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly method: 'exact' | 'asymptotic';
}

export interface MannWhitneyOptions {
  /**
   * `exact` enumerates the null distribution (only without ties, n1 + n2 ≤ 40);
   * `asymptotic` uses the normal approximation with tie and continuity
   * corrections; `auto` (default) picks exact when it applies.
   */
  readonly method?: 'auto' | 'exact' | 'asymptotic';
}

// Number of arrangements giving each U under the null: the coefficients of the
// Gaussian binomial [n1+n2 choose n1]_q, built one factor at a time.
function exactUCounts(n1: number, n2: number): number[] {
  const max = n1 * n2;
  const c = new Array<number>(max + 1).fill(0);
  c[0] = 1;
  for (let i = 1; i <= n1; i++) {
    const up = n2 + i;
    for (let d = max; d >= up; d--) c[d]! -= c[d - up]!; // × (1 − q^(n2+i))
    for (let d = i; d <= max; d++) c[d]! += c[d - i]!; // ÷ (1 − q^i)
  }
  return c;
}

/** Two-sided Mann–Whitney U test: do `a` and `b` come from distributions with the same location? */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, p: Number.NaN, method: 'asymptotic' };
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const n = n1 + n2;
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2; // average of ranks i+1 … j+1
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSum += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const method = options.method ?? 'auto';
  const exactApplies = tieTerm === 0 && n <= 40;
  if (method === 'exact' || (method === 'auto' && exactApplies)) {
    if (!exactApplies) throw new RangeError('exact Mann–Whitney needs no ties and n1 + n2 ≤ 40');
    const counts = exactUCounts(n1, n2);
    const total = counts.reduce((s, x) => s + x, 0);
    const big = Math.max(u, n1 * n2 - u);
    let tail = 0;
    for (let k = big; k <= n1 * n2; k++) tail += counts[k]!;
    return { u, p: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'asymptotic' };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), method: 'asymptotic' };
}
