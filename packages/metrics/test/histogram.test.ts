import { useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_BUCKETS,
  exponentialBuckets,
  Histogram,
  InvalidOptionError,
  InvalidValueError,
  linearBuckets,
  Registry,
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

  it("defaults to prom-client's buckets and drops an explicit +Inf bound", () => {
    expect(new Histogram({ name: 'd', help: 'D.', registry: null }).buckets).toEqual(DEFAULT_BUCKETS);
    const h = new Histogram({ name: 'i', help: 'I.', buckets: [1, Number.POSITIVE_INFINITY], registry: null });
    expect(h.buckets).toEqual([1]);
  });

  describe('under fake time', () => {
    useFakeTime();

    it('times with startTimer', async () => {
      const registry = new Registry();
      const h = new Histogram({ name: 'took_seconds', help: 'T.', labelNames: ['op'], buckets: [0.1, 1], registry });
      const end = h.startTimer({ op: 'load' });
      vi.advanceTimersByTime(250);
      expect(end()).toBeCloseTo(0.25, 6);
      expect(await registry.metrics()).toContain('took_seconds_bucket{op="load",le="1"} 1\n');
    });
  });

  it('refuses NaN observations and bad buckets', () => {
    const h = new Histogram({ name: 'h', help: 'H.', registry: null });
    expect(() => h.observe(Number.NaN)).toThrow(InvalidValueError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [1, 1], registry: null })).toThrow(InvalidOptionError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [], registry: null })).toThrow(InvalidOptionError);
    expect(() => new Histogram({ name: 'b', help: 'B.', buckets: [1, Number.NaN], registry: null })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('bucket helpers', () => {
  it('build linear and exponential bounds', () => {
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
    expect(linearBuckets(0, 5, 3)).toEqual([0, 5, 10]);
  });

  it('name the argument they refuse', () => {
    expect(() => linearBuckets(0, 0, 3)).toThrowError(
      expect.objectContaining({ code: 'PERF_METRICS_INVALID_OPTION', option: 'linearBuckets.width', received: 0 }),
    );
    expect(() => linearBuckets(Number.NaN, 1, 3)).toThrowError(
      expect.objectContaining({ option: 'linearBuckets.start' }),
    );
    expect(() => linearBuckets(0, 1, 1.5)).toThrowError(expect.objectContaining({ option: 'linearBuckets.count' }));
    expect(() => exponentialBuckets(1, 1, 3)).toThrow(
      '@perf/metrics: option exponentialBuckets.factor must be a finite number > 1, received 1',
    );
    expect(() => exponentialBuckets(0, 2, 3)).toThrowError(
      expect.objectContaining({ option: 'exponentialBuckets.start' }),
    );
    expect(() => exponentialBuckets(1, 2, 0)).toThrowError(
      expect.objectContaining({ option: 'exponentialBuckets.count' }),
    );
  });
});
