// Synthetic results files: log-normal timings from a seeded RNG, shaped like
// what the harness writes (sorted samples, stats computed from them).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@perf/testing';
import type { CaseResult, Environment, Goal, RunResult } from '../src/results.js';
import { quantileSorted } from '../src/stats.js';

export const ENV: Environment = {
  node: '20.20.2',
  v8: '11.3.244.8-node.38',
  platform: 'linux',
  arch: 'x64',
  cpu: 'AMD EPYC',
  cores: 2,
  memoryBytes: 25274793984,
  commit: '67b50285d588a6b7b8122ccc0a5a0b5e6f80fc27',
  dirty: false,
};

export interface CaseSpec {
  readonly name: string;
  readonly role: CaseResult['role'];
  /** Median time in ns. */
  readonly median: number;
  /** Log-normal sigma (default 0.05, a quiet benchmark). */
  readonly sigma?: number;
  readonly heap?: number;
}

export interface PackageSpec {
  readonly name: string;
  readonly comparisons: readonly { name: string; cases: readonly CaseSpec[]; goals?: readonly Goal[] }[];
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function samples(median: number, sigma: number, n: number, rand: () => number): number[] {
  return Array.from({ length: n }, () => median * Math.exp(sigma * gaussian(rand))).sort((a, b) => a - b);
}

export function syntheticRun(
  packages: readonly PackageSpec[],
  options: { seed?: number; startedAt?: string; env?: Partial<Environment>; n?: number } = {},
): RunResult {
  const rand = seededRandom(options.seed ?? 1);
  return {
    schema: 1,
    startedAt: options.startedAt ?? '2026-11-23T12:00:00.000Z',
    env: { ...ENV, ...options.env },
    packages: packages.map((p) => ({
      package: p.name,
      suites: [
        {
          file: `packages/${p.name.replace('@perf/', '')}/bench/main.bench.ts`,
          comparisons: p.comparisons.map((c) => ({
            name: c.name,
            goals: c.goals ?? [],
            cases: c.cases.map((k) => {
              const s = samples(k.median, k.sigma ?? 0.05, options.n ?? 400, rand);
              const q = (x: number) => quantileSorted(s, x);
              return {
                name: k.name,
                role: k.role,
                stats: {
                  min: s[0]!,
                  max: s[s.length - 1]!,
                  avg: s.reduce((a, b) => a + b, 0) / s.length,
                  p25: q(0.25),
                  p50: q(0.5),
                  p75: q(0.75),
                  p99: q(0.99),
                  n: s.length,
                  samples: s,
                  ...(k.heap === undefined ? {} : { heap: { avg: k.heap, min: 0, max: k.heap * 2 } }),
                },
              };
            }),
          })),
        },
      ],
    })),
  };
}

/** A cache-like package: ours against a peer with a goal, and a reference. */
export function cachePackage(oursMedian = 30): PackageSpec {
  return {
    name: '@perf/cache',
    comparisons: [
      {
        name: 'get hit',
        goals: [{ peer: 'lru-cache', atMost: 1.5 }],
        cases: [
          { name: 'ours', role: 'ours', median: oursMedian, heap: 0 },
          { name: 'lru-cache', role: 'peer', median: 28, heap: 0 },
          { name: 'Map', role: 'reference', median: 12 },
        ],
      },
    ],
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'perf-bench-test-'));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/**
 * A results folder like a real one after a few days: six runs of two packages
 * (the cache's `ours` gets 2× slower from the fifth run: a change point), a
 * baseline from the first run, and one truncated file.
 */
export function dashboardFixture(dir: string): { latest: RunResult; files: string[] } {
  const metrics: PackageSpec = {
    name: '@perf/metrics',
    comparisons: [
      {
        name: 'counter inc (labelled)',
        goals: [{ peer: 'prom-client', atMost: 0.2 }],
        cases: [
          { name: 'ours', role: 'ours', median: 21, heap: 0 },
          { name: 'prom-client', role: 'peer', median: 240, sigma: 0.15, heap: 96 },
        ],
      },
      {
        name: 'histogram observe',
        goals: [{ peer: 'prom-client', atMost: 0.2 }],
        cases: [
          { name: 'ours', role: 'ours', median: 95, sigma: 0.1 },
          { name: 'prom-client', role: 'peer', median: 370, sigma: 0.1 },
        ],
      },
    ],
  };
  const files: string[] = [];
  let latest: RunResult | undefined;
  for (let i = 0; i < 6; i++) {
    const run = syntheticRun([cachePackage(i < 4 ? 30 : 60), metrics], {
      seed: 100 + i,
      startedAt: `2026-11-2${i}T10:00:00.000Z`,
    });
    files.push(writeJson(dir, `2026-11-2${i}T10-00-00-000Z.json`, run));
    if (i === 0) writeJson(dir, 'baseline.json', run);
    latest = run;
  }
  writeJson(dir, '2026-11-19T10-00-00-000Z.json', '{"schema":1,"startedAt":"2026-11-19T1');
  return { latest: latest!, files };
}
