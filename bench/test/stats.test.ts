import { seededRandom } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapRatio, erfc, mannWhitneyU, median, quantileSorted } from '../src/stats.js';

describe('Mann–Whitney U', () => {
  // SciPy's documented example (scipy.stats.mannwhitneyu): U = 17, exact p = 0.1111…,
  // asymptotic p (continuity-corrected) = 0.11134688653314041.
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it('gives the exact U and p of the SciPy example', () => {
    const r = mannWhitneyU(males, females);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(1 / 9, 12);
  });

  it('gives the asymptotic p of the SciPy example', () => {
    const r = mannWhitneyU(males, females, { method: 'asymptotic' });
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(0.11134688653314041, 6);
  });

  it('is symmetric: swapping the samples gives U2 = n1·n2 − U1 and the same p', () => {
    const a = mannWhitneyU(males, females);
    const b = mannWhitneyU(females, males);
    expect(b.u).toBe(20 - 17);
    expect(b.p).toBeCloseTo(a.p, 12);
  });

  it('uses average ranks and the tie correction (hand-computed: U = 2.5, p ≈ 0.1367)', () => {
    // ranks: 1→1, 2,2,2→3, 3,3→5.5, 4→7, 5→8; R(a) = 1+3+3+5.5 = 12.5, U = 12.5 − 10 = 2.5
    // var = 4·4/12 · (9 − (3³−3 + 2³−2)/(8·7)) = 4/3 · (9 − 30/56); z = (|2.5 − 8| − 0.5)/√var
    const r = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
    expect(r.method).toBe('asymptotic');
    expect(r.u).toBe(2.5);
    const sd = Math.sqrt((16 / 12) * (9 - 30 / 56));
    expect(r.p).toBeCloseTo(erfc(5 / sd / Math.SQRT2), 12);
    expect(r.p).toBeCloseTo(0.136658, 5); // math.erfc in Python gives 0.13665823…
  });

  it('gives p = 1 for identical samples and a tiny p for clearly shifted ones', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1);
    const rand = seededRandom(3);
    const a = Array.from({ length: 300 }, () => 100 + rand());
    const b = a.map((x) => x * 1.2);
    expect(mannWhitneyU(b, a).p).toBeLessThan(1e-10);
  });

  it('refuses the exact method where it does not apply', () => {
    expect(() => mannWhitneyU([1, 1], [1, 2], { method: 'exact' })).toThrow(RangeError);
  });
});

describe('erfc', () => {
  it('matches known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 7);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 9);
  });
});

describe('bootstrap', () => {
  const oneToThousand = Array.from({ length: 1000 }, (_, i) => i + 1);

  it('gives the textbook interval for the median of 1…1000 (rank 500 ± 1.96·√1000/2 ≈ ±31)', () => {
    const r = bootstrapMedian(oneToThousand, { seed: 7 });
    expect(r.estimate).toBe(500.5);
    expect(r.low).toBeGreaterThan(462);
    expect(r.low).toBeLessThan(476);
    expect(r.high).toBeGreaterThan(525);
    expect(r.high).toBeLessThan(539);
  });

  it('is reproducible with a seed and varies with another', () => {
    const a = bootstrapMedian(oneToThousand, { seed: 42 });
    expect(bootstrapMedian(oneToThousand, { seed: 42 })).toEqual(a);
    expect(bootstrapMedian(oneToThousand, { seed: 43 })).not.toEqual(a);
  });

  it('gives a zero-width interval for constant samples', () => {
    expect(bootstrapMedian([3, 3, 3, 3])).toEqual({ estimate: 3, low: 3, high: 3 });
  });

  it('estimates a ratio of medians with an interval around it', () => {
    const rand = seededRandom(5);
    const peer = Array.from({ length: 500 }, () => 100 * (0.9 + 0.2 * rand()));
    const ours = peer.map((x) => x / 4);
    const r = bootstrapRatio(ours, peer);
    expect(r.estimate).toBeCloseTo(0.25, 12);
    expect(r.low).toBeLessThan(0.25);
    expect(r.high).toBeGreaterThan(0.25);
    expect(r.high - r.low).toBeLessThan(0.02);
  });
});

describe('quantiles and the RNG', () => {
  it('interpolates between order statistics', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantileSorted([10, 20], 0.75)).toBe(17.5);
  });

  it('draws reproducible numbers in [0, 1)', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
