import { seededRandom } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  exponentialBuckets,
  Histogram,
  InvalidOptionError,
  InvalidValueError,
  linearBuckets,
  Registry,
  Summary,
} from '../src/index.js';

describe('Histogram', () => {
  it('puts each observation in the first bucket whose bound is ≥ it (le), with many buckets too', async () => {
    const registry = new Registry();
    const few = new Histogram({ name: 'few', help: 'F.', buckets: [1, 2, 3], registry });
    for (const v of [0, 1, 1.5, 2, 3, 3.1, -5]) few.observe(v);
    const many = new Histogram({ name: 'many', help: 'M.', buckets: linearBuckets(1, 1, 40), registry });
    for (let v = 0.5; v <= 45; v += 0.5) many.observe(v);
    const text = await registry.metrics();
    expect(text).toContain(
      'few_bucket{le="1"} 3\nfew_bucket{le="2"} 5\nfew_bucket{le="3"} 6\nfew_bucket{le="+Inf"} 7\n',
    );
    expect(text).toContain('few_sum 5.6\nfew_count 7\n');
    // 0.5, 1 ≤ 1; each later bound gains two observations; 41..45 land in +Inf.
    expect(text).toContain('many_bucket{le="1"} 2\n');
    expect(text).toContain('many_bucket{le="20"} 40\n');
    expect(text).toContain('many_bucket{le="40"} 80\n');
    expect(text).toContain('many_bucket{le="+Inf"} 90\n');
  });

  it('times with startTimer under fake timers', async () => {
    vi.useFakeTimers();
    try {
      const registry = new Registry();
      const h = new Histogram({ name: 'took_seconds', help: 'T.', labelNames: ['op'], buckets: [0.1, 1], registry });
      const end = h.startTimer({ op: 'load' });
      vi.advanceTimersByTime(250);
      expect(end()).toBeCloseTo(0.25, 6);
      expect(await registry.metrics()).toContain('took_seconds_bucket{op="load",le="1"} 1\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses NaN observations and bad buckets', () => {
    const h = new Histogram({ name: 'h', help: 'H.', registry: null });
    expect(() => h.observe(Number.NaN)).toThrow(InvalidValueError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [1, 1], registry: null })).toThrow(InvalidOptionError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [], registry: null })).toThrow(InvalidOptionError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [1, Number.NaN], registry: null })).toThrow(
      InvalidOptionError,
    );
    expect(() => linearBuckets(0, 0, 3)).toThrow(InvalidOptionError);
    expect(() => exponentialBuckets(1, 1, 3)).toThrow(InvalidOptionError);
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
    expect(linearBuckets(0, 5, 3)).toEqual([0, 5, 10]);
  });
});

describe('Summary', () => {
  it('answers quantiles within 1% of the exact ones on a seeded skewed sample', async () => {
    const random = seededRandom(42);
    const values = Array.from({ length: 20_000 }, () => Math.exp(random() * 8) / 100);
    const s = new Summary({ name: 's', help: 'S.', percentiles: [0.5, 0.9, 0.99], registry: null });
    for (const v of values) s.observe(v);
    const sorted = [...values].sort((a, b) => a - b);
    const sketch = s.labels({} as never).windowSketch();
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(sketch.quantile(q) - exact) / exact).toBeLessThanOrEqual(0.011);
    }
  });

  it('forgets observations older than maxAgeSeconds but keeps _sum and _count', async () => {
    let now = 0;
    const registry = new Registry();
    const s = new Summary({
      name: 'w',
      help: 'W.',
      percentiles: [0.9],
      maxAgeSeconds: 60,
      ageBuckets: 3,
      now: () => now,
      registry,
    });
    const p90 = async () => Number(/w\{quantile="0.9"\} (\S+)/.exec(await registry.metrics())![1]);
    for (let i = 0; i < 100; i++) s.observe(1000);
    now = 30_000;
    for (let i = 0; i < 100; i++) s.observe(1);
    expect(Math.abs((await p90()) - 1000) / 1000).toBeLessThanOrEqual(0.01); // both in the window
    now = 61_000; // the bucket holding the 1000s has aged out
    expect(Math.abs((await p90()) - 1)).toBeLessThanOrEqual(0.01);
    expect(await registry.metrics()).toContain('w_count 200\n');
    now = 200_000;
    expect(await p90()).toBeNaN();
  });

  it('refuses bad options', () => {
    expect(() => new Summary({ name: 'a', help: 'A.', percentiles: [1.5], registry: null })).toThrow(
      InvalidOptionError,
    );
    expect(() => new Summary({ name: 'a', help: 'A.', maxAgeSeconds: 0, registry: null })).toThrow(InvalidOptionError);
    expect(() => new Summary({ name: 'a', help: 'A.', ageBuckets: 0, registry: null })).toThrow(InvalidOptionError);
    expect(() => new Summary({ name: 'a', help: 'A.', accuracy: 0, registry: null })).toThrow(InvalidOptionError);
  });
});
