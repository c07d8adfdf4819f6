import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@perf/testing';
import { measure } from 'mitata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadSamplesError } from '../src/errors.js';
import { type LoadInterval, perOperationSamples, runLoadSuite } from '../src/loadSuite.js';
import { ratios, type SuiteResult } from '../src/results.js';
import { sampleStats } from '../src/sampleStats.js';
import { tempDir } from './fixtures.js';

// 100 ms intervals of a steady `perSecond` operations per second, with ±2% of seeded jitter.
function steadyLoad(perSecond: number, intervals: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const list: LoadInterval[] = Array.from({ length: intervals }, () => ({
    ns: 100e6,
    operations: Math.round((perSecond / 10) * (0.98 + 0.04 * rand())),
  }));
  return perOperationSamples(list);
}

function runToFile(...args: Parameters<typeof runLoadSuite>): Promise<SuiteResult> {
  const out = join(tempDir(), 'suite.json');
  vi.stubEnv('PERF_BENCH_OUT', out);
  return runLoadSuite(...args).then((returned) => {
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(returned);
    return returned;
  });
}

afterEach(() => vi.unstubAllEnvs());

describe('perOperationSamples', () => {
  it('gives one sample per interval: its duration over the operations completed in it', () => {
    expect(
      perOperationSamples([
        { ns: 100e6, operations: 1000 },
        { ns: 100e6, operations: 500 },
        { ns: 50e6, operations: 1000 },
      ]),
    ).toEqual([100_000, 200_000, 50_000]);
  });

  it('merges an interval in which nothing completed into the next one, and drops a trailing empty one', () => {
    expect(
      perOperationSamples([
        { ns: 100e6, operations: 0 },
        { ns: 100e6, operations: 400 },
        { ns: 100e6, operations: 0 },
      ]),
    ).toEqual([500_000]);
  });
});

describe('sampleStats', () => {
  it("summarises samples exactly as mitata summarises its own (min, max, avg, p25–p99 by mitata's index rule)", async () => {
    const m = await measure(() => JSON.stringify({ a: [1, 2, 3] }));
    const shuffled = m.samples.slice().reverse(); // the load case's order does not matter
    const s = sampleStats(shuffled);
    expect({ min: s.min, max: s.max, avg: s.avg, p25: s.p25, p50: s.p50, p75: s.p75, p99: s.p99, n: s.n }).toEqual({
      min: m.min,
      max: m.max,
      avg: m.avg,
      p25: m.p25,
      p50: m.p50,
      p75: m.p75,
      p99: m.p99,
      n: m.samples.length,
    });
  });

  it('keeps at most 1000 samples, an even stride over the sorted ones, with the figures from all of them', () => {
    const all = Array.from({ length: 5000 }, (_, i) => 5000 - i); // 5000 … 1, unsorted
    const s = sampleStats(all);
    expect(s.n).toBe(5000);
    expect(s.samples).toHaveLength(1000);
    expect(s.samples.slice(0, 3)).toEqual([1, 6, 11]);
    expect([s.min, s.p50, s.p99, s.max]).toEqual([1, 2500, 4950, 5000]);
  });
});

describe('runLoadSuite', () => {
  it('reports load cases like mitata cases: ours/peer of the medians is the inverse throughput ratio, goals judged on it', async () => {
    const result = await runToFile('apps/demo/bench/load.bench.ts', [
      {
        name: 'tokens',
        ours: async () => steadyLoad(10_000, 100, 1),
        peers: { slow: async () => steadyLoad(2_500, 100, 2), close: async () => steadyLoad(8_000, 100, 3) },
        references: { ceiling: async () => steadyLoad(20_000, 100, 4) },
        goals: [
          { peer: 'slow', atMost: 1 / 3 }, // ≥ 3× its tokens/s
          { peer: 'close', atMost: 2 / 3 }, // ≥ 1.5× its tokens/s
        ],
      },
    ]);
    const [comparison] = result.comparisons;
    expect(comparison!.cases.map((c) => [c.name, c.role, c.stats.n])).toEqual([
      ['ours', 'ours', 100],
      ['slow', 'peer', 100],
      ['close', 'peer', 100],
      ['ceiling', 'reference', 100],
    ]);
    expect(comparison!.cases[0]!.stats.p50).toBeCloseTo(100_000, -3); // 1e9 / 10,000 per second
    const r = Object.fromEntries(ratios(comparison!).map((x) => [x.name, x]));
    expect(r.slow!.ratio).toBeCloseTo(0.25, 2); // 4× the peer's throughput
    expect(r.slow!.met).toBe(true);
    expect(r.close!.ratio).toBeCloseTo(0.8, 2); // only 1.25×
    expect(r.close!.met).toBe(false);
    expect(1 / r.ceiling!.ratio).toBeCloseTo(0.5, 2); // our share of the ceiling
    expect(r.ceiling!.goal).toBeUndefined();
  });

  it('never runs the cases of a comparison the filter leaves out', async () => {
    const skipped = vi.fn(async () => [1]);
    const result = await runToFile(
      'x.bench.ts',
      [
        { name: 'token throughput', ours: async () => [1], peers: { p: async () => [2] } },
        { name: 'token latency', ours: skipped, peers: { p: skipped } },
      ],
      'throughput',
    );
    expect(result.comparisons.map((c) => c.name)).toEqual(['token throughput']);
    expect(skipped).not.toHaveBeenCalled();
  });

  it.each([
    ['no samples', []],
    ['sample 1 = Infinity', [5, Number.POSITIVE_INFINITY]],
    ['sample 0 = NaN', [Number.NaN]],
    ['sample 0 = 0', [0, 1]],
    ['sample 2 = -3', [1, 2, -3]],
  ])('refuses a case that gives %s (PERF_BENCH_INVALID_SAMPLES, naming the case)', async (reason, samples) => {
    const run = runToFile('x.bench.ts', [
      { name: 'tokens', ours: async () => [1], peers: { bad: async () => samples } },
    ]);
    await expect(run).rejects.toThrow(LoadSamplesError);
    await expect(run).rejects.toMatchObject({
      code: 'PERF_BENCH_INVALID_SAMPLES',
      message: expect.stringContaining(`load case "bad" of "tokens" gave ${reason}`),
    });
  });
});
