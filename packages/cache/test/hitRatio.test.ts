// The hit-ratio harness itself: the traces, the offline optimum, the replays
// and Caffeine's column (a real JVM running Debian's Caffeine 2.6.2).
import { describe, expect, test } from 'vitest';
import { optimalHitRatio } from '../bench/belady.js';
import { caffeineHitRatios, caffeineUnavailable } from '../bench/caffeine.js';
import { formatReport, measureHitRatios } from '../bench/hitRatio.js';
import { lruHitRatio, tinyLfuHitRatio } from '../bench/replay.js';
import { loop, recencySource, type Trace, take, zipf, zipfWithScans } from '../bench/trace.js';

const trace = (keys: number[], cacheSize: number): Trace => ({ name: 't', cacheSize, keys: Int32Array.from(keys) });

describe('traces and the offline optimum', () => {
  test('the generators are deterministic', () => {
    expect(zipfWithScans(1, 1_000, 5_000, 100, 500, 100).keys).toEqual(
      zipfWithScans(1, 1_000, 5_000, 100, 500, 100).keys,
    );
    expect(take('r', 10, 1_000, recencySource(3, 40)).keys).toEqual(take('r', 10, 1_000, recencySource(3, 40)).keys);
    expect(zipf(1, 0.9, 1_000, 1_000, 10).keys).not.toEqual(zipf(2, 0.9, 1_000, 1_000, 10).keys);
  });

  test('Bélády on hand-checked traces', () => {
    // Cache of 2: a b c a b → keep a and b by not admitting c: hits on the last a and b.
    expect(optimalHitRatio(trace([1, 2, 3, 1, 2], 2))).toBeCloseTo(2 / 5);
    // a b c a c b, cache 2: on c, b is needed last: drop b, then a and c hit, b misses.
    expect(optimalHitRatio(trace([1, 2, 3, 1, 3, 2], 2))).toBeCloseTo(2 / 6);
    expect(lruHitRatio(trace([1, 2, 3, 1, 2], 2))).toBe(0);
  });

  test('a loop longer than the cache: LRU gets nothing, the optimum keeps a fixed part of it, W-TinyLFU most of that', () => {
    const t = loop(300, 30_000, 200);
    expect(lruHitRatio(t)).toBe(0);
    expect(optimalHitRatio(t)).toBeGreaterThan(0.6);
    expect(tinyLfuHitRatio(t)).toBeGreaterThan(optimalHitRatio(t) - 0.05);
  });
});

const skip = caffeineUnavailable();
if (skip !== undefined) {
  if (process.env.PERF_REQUIRE_SERVICES === '1') throw new Error(`PERF_REQUIRE_SERVICES=1 but ${skip}`);
  console.warn(`skipped: Caffeine replay: ${skip}`);
}

describe.skipIf(skip !== undefined)('Caffeine 2.6.2 replay (Debian libcaffeine-java)', () => {
  test('replays several traces through one JVM: a loop that fits hits after its first round, one that does not is mostly missed', () => {
    const [fits, long] = caffeineHitRatios([loop(50, 5_000, 100), loop(12_000, 120_000, 2_000)]) as number[];
    expect(fits).toBeCloseTo((5_000 - 50) / 5_000, 5);
    expect(long).toBeGreaterThan(0.05);
    expect(long).toBeLessThan(optimalHitRatio(loop(12_000, 120_000, 2_000)));
  });

  test('the report has a row per trace with the Caffeine column and the goal verdicts', () => {
    const report = measureHitRatios([zipf(5, 0.9, 5_000, 20_000, 100), loop(150, 5_000, 100)]);
    expect(report.caffeineSkipped).toBeUndefined();
    expect(report.rows.map((r) => r.caffeine)).toEqual([expect.any(Number), expect.any(Number)]);
    const text = formatReport(report);
    expect(text).toContain('| Zipf 0.9 | 20k | 100 (');
    expect(text).toMatch(/Mean above both: (met|\*\*not met\*\*)/);
  });
});
