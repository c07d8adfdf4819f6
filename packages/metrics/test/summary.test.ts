import { manualClock, seededRandom } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, Registry, Summary } from '../src/index.js';

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
    const clock = manualClock(0);
    const registry = new Registry();
    const s = new Summary({
      name: 'w',
      help: 'W.',
      percentiles: [0.9],
      maxAgeSeconds: 60,
      ageBuckets: 3,
      now: clock.now,
      registry,
    });
    const p90 = async () => Number(/w\{quantile="0.9"\} (\S+)/.exec(await registry.metrics())![1]);
    for (let i = 0; i < 100; i++) s.observe(1000);
    clock.set(30_000);
    for (let i = 0; i < 100; i++) s.observe(1);
    expect(Math.abs((await p90()) - 1000) / 1000).toBeLessThanOrEqual(0.01); // both in the window
    clock.set(61_000); // the bucket holding the 1000s has aged out
    expect(Math.abs((await p90()) - 1)).toBeLessThanOrEqual(0.01);
    expect(await registry.metrics()).toContain('w_count 200\n');
    clock.set(200_000);
    expect(await p90()).toBeNaN();
  });

  it('still slides the window after the wall clock is set back', async () => {
    const registry = new Registry();
    const clock = manualClock(1_700_000_000_000);
    const s = new Summary({
      name: 'jump_seconds',
      help: 'J.',
      maxAgeSeconds: 10,
      ageBuckets: 2,
      percentiles: [0.5],
      registry,
      now: clock.now,
    });
    s.observe(5);
    clock.advance(-3_600_000); // NTP steps the clock back an hour
    expect(await registry.metrics()).toContain('jump_seconds{quantile="0.5"} 5');
    clock.advance(11_000); // more than maxAgeSeconds later
    const text = await registry.metrics();
    expect(text).toContain('jump_seconds{quantile="0.5"} NaN\n');
    expect(text).toContain('jump_seconds_count 1\n');
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
