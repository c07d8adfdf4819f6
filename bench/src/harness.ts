// What a package's `bench/*.bench.ts` imports: declare comparisons of our code
// against its peers on the same inputs, then `runSuite()` measures them with
// mitata in this one process and reports (a table, and JSON for the runner).
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { measure } from 'mitata';
import type { CaseResult, Comparison, Goal, SampleStats, SuiteResult } from './results.js';
import { formatTable } from './table.js';

/** A function to measure. It may return a promise; mitata awaits it. */
export type BenchFn = () => unknown;

export interface CompareOptions {
  /** Goals from the package's issue/README, e.g. `{ peer: 'prom-client', atMost: 0.2 }` (ours/peer ≤ 0.2). */
  readonly goals?: readonly Goal[];
  /** Functions that are neither ours nor a peer but anchor the numbers (e.g. a plain field increment). */
  readonly references?: Readonly<Record<string, BenchFn>>;
  /**
   * For operations that take seconds (an app under load: a clone, a burst of requests), where
   * mitata's sampling would take too long: each case runs this many times, the cases taking turns
   * (ours, each peer, each reference, then again), so a machine that slows down mid-run slows them
   * all alike. The samples are the wall times of the runs.
   */
  readonly runs?: number;
  /**
   * With `runs`: per case name (`ours`, a peer's, a reference's), a function returning the memory
   * that case holds now, in bytes (e.g. the RSS of its server's processes). It is read every 20 ms
   * during each run; each run's peak goes into `stats.rss`.
   */
  readonly rss?: Readonly<Record<string, () => number>>;
}

interface Declared {
  readonly name: string;
  readonly ours: BenchFn;
  readonly peers: Readonly<Record<string, BenchFn>>;
  readonly options: CompareOptions;
}

const declared: Declared[] = [];

/** Declares one comparison: `ours` against each peer, measured one after another in this process. */
export function compare(
  name: string,
  cases: { ours: BenchFn; peers: Readonly<Record<string, BenchFn>> },
  options: CompareOptions = {},
): void {
  declared.push({ name, ours: cases.ours, peers: cases.peers, options });
}

// Enough to compute medians, intervals and rank tests later without writing
// megabytes per benchmark: mitata's samples are sorted, so an even stride keeps
// the shape of the distribution.
const MAX_SAMPLES = 1000;

function keepSamples(samples: readonly number[]): number[] {
  if (samples.length <= MAX_SAMPLES) return samples.slice();
  const out: number[] = [];
  const step = samples.length / MAX_SAMPLES;
  for (let i = 0; i < MAX_SAMPLES; i++) out.push(samples[Math.floor(i * step)]!);
  return out;
}

// The heap counter mitata's own run() uses on Node: bytes allocated per call.
const heap = () => {
  const m = getHeapStatistics();
  return m.used_heap_size + m.malloced_memory;
};

function memory(
  m: { avg: number; min: number; max: number } | undefined,
): { avg: number; min: number; max: number } | undefined {
  return m && Number.isFinite(m.avg) ? { avg: m.avg, min: m.min, max: m.max } : undefined;
}

async function measureCase(name: string, role: CaseResult['role'], fn: BenchFn): Promise<CaseResult> {
  const s = await measure(fn, { heap });
  const h = memory(s.heap);
  const g = memory(s.gc);
  const stats: SampleStats = {
    min: s.min,
    max: s.max,
    avg: s.avg,
    p25: s.p25,
    p50: s.p50,
    p75: s.p75,
    p99: s.p99,
    n: s.samples.length,
    samples: keepSamples(s.samples),
    ...(h ? { heap: h } : {}),
    ...(g ? { gc: g } : {}),
  };
  return { name, role, stats };
}

function sampleStats(times: number[], peaks: number[]): SampleStats {
  const sorted = times.slice().sort((a, b) => a - b);
  const at = (q: number) => sorted[(q * (sorted.length - 1)) | 0]!;
  const rss = peaks.length > 0 ? { avg: mean(peaks), min: Math.min(...peaks), max: Math.max(...peaks) } : undefined;
  return {
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    avg: mean(sorted),
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p99: at(0.99),
    n: sorted.length,
    samples: sorted,
    ...(rss ? { rss } : {}),
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** `runs` rounds of every case in turn, timed by the wall clock (see CompareOptions.runs). */
async function measureRuns(d: Declared, runs: number): Promise<CaseResult[]> {
  const cases: [string, CaseResult['role'], BenchFn][] = [
    ['ours', 'ours', d.ours],
    ...Object.entries(d.peers).map(([n, fn]): [string, CaseResult['role'], BenchFn] => [n, 'peer', fn]),
    ...Object.entries(d.options.references ?? {}).map(([n, fn]): [string, CaseResult['role'], BenchFn] => [
      n,
      'reference',
      fn,
    ]),
  ];
  const times = cases.map((): number[] => []);
  const peaks = cases.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, [name, , fn]] of cases.entries()) {
      const read = d.options.rss?.[name];
      let peak = read ? read() : 0;
      const sampler = read ? setInterval(() => (peak = Math.max(peak, read())), 20) : undefined;
      const started = process.hrtime.bigint();
      try {
        await fn();
      } finally {
        clearInterval(sampler);
      }
      times[i]!.push(Number(process.hrtime.bigint() - started));
      if (read) peaks[i]!.push(Math.max(peak, read()));
    }
  }
  return cases.map(([name, role], i) => ({ name, role, stats: sampleStats(times[i]!, peaks[i]!) }));
}

/**
 * Measures every declared comparison. Prints a table of medians and ours/peer
 * ratios; when run by `pnpm bench` (PERF_BENCH_OUT set) also writes the JSON.
 * `filter` (or the PERF_BENCH_GREP environment variable) keeps comparisons whose name matches.
 */
export async function runSuite(file: string, filter = process.env.PERF_BENCH_GREP): Promise<SuiteResult> {
  const comparisons: Comparison[] = [];
  for (const d of declared) {
    if (filter && !d.name.includes(filter)) continue;
    if (d.options.runs !== undefined) {
      comparisons.push({ name: d.name, cases: await measureRuns(d, d.options.runs), goals: d.options.goals ?? [] });
      continue;
    }
    const cases: CaseResult[] = [await measureCase('ours', 'ours', d.ours)];
    for (const [peer, fn] of Object.entries(d.peers)) cases.push(await measureCase(peer, 'peer', fn));
    for (const [ref, fn] of Object.entries(d.options.references ?? {})) {
      cases.push(await measureCase(ref, 'reference', fn));
    }
    comparisons.push({ name: d.name, cases, goals: d.options.goals ?? [] });
  }
  const result: SuiteResult = { file, comparisons };
  const out = process.env.PERF_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify(result));
  else console.log(formatTable([result]));
  return result;
}

// One seeded PRNG for the tests and the benches' generated inputs.
export { seededRandom } from '@perf/testing/random';
export type { CaseResult, Comparison, Goal, MemoryStats, SampleStats, SuiteResult } from './results.js';
