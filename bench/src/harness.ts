// What a package's `bench/*.bench.ts` imports: declare comparisons of our code
// against its peers on the same inputs, then `runSuite()` measures them with
// mitata in this one process and reports (a table, and JSON for the runner).
import { getHeapStatistics } from 'node:v8';
import { measure } from 'mitata';
import type { CaseResult, Comparison, Goal, ResultTable, SampleStats, SuiteResult } from './results.js';
import { keepSamples, sampleStats } from './sampleStats.js';
import { reportSuite } from './suiteOutput.js';

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
   * during each run; the highest peak of its runs goes into the case's `extra.peakRssBytes`.
   */
  readonly rss?: Readonly<Record<string, () => number>>;
}

interface Declared {
  readonly name: string;
  readonly ours: BenchFn;
  readonly peers: Readonly<Record<string, BenchFn>>;
  readonly options: CompareOptions;
}

/** Samples a benchmark measured itself (a scheduler's start delays, whole runs of a workload), in ns. */
export interface MeasuredSamples {
  readonly samplesNs: readonly number[];
  /** Figures besides time (`peakRssBytes`, `gcMs`, `cpuPercent`…), shown beside the case. */
  readonly extra?: Readonly<Record<string, number>>;
}

interface DeclaredSamples {
  readonly name: string;
  readonly ours: MeasuredSamples;
  readonly peers: Readonly<Record<string, MeasuredSamples>>;
  readonly options: CompareOptions;
}

const declared: (Declared | DeclaredSamples)[] = [];

/** Declares one comparison: `ours` against each peer, measured one after another in this process. */
export function compare(
  name: string,
  cases: { ours: BenchFn; peers: Readonly<Record<string, BenchFn>> },
  options: CompareOptions = {},
): void {
  declared.push({ name, ours: cases.ours, peers: cases.peers, options });
}

/**
 * Declares a comparison of samples the benchmark measured itself, for what
 * mitata cannot time call by call (how late a scheduler starts its jobs, a
 * workload run in a child process): stored and compared like mitata's cases
 * (median ratios, goals), with `extra` figures beside them.
 */
export function compareSamples(
  name: string,
  cases: { ours: MeasuredSamples; peers: Readonly<Record<string, MeasuredSamples>> },
  options: Omit<CompareOptions, 'references'> = {},
): void {
  declared.push({ name, ours: cases.ours, peers: cases.peers, options });
}

const isSamples = (d: Declared | DeclaredSamples): d is DeclaredSamples => typeof d.ours !== 'function';

function fromSamples(name: string, role: CaseResult['role'], m: MeasuredSamples): CaseResult {
  if (m.samplesNs.length === 0) throw new Error(`compareSamples: case ${name} has no samples`);
  const stats = sampleStats(m.samplesNs);
  return m.extra === undefined ? { name, role, stats } : { name, role, stats, extra: { ...m.extra } };
}

const tables: ResultTable[] = [];

/**
 * Records a table of figures that are not timings (e.g. the hit ratio of each
 * policy on each trace): stored with the suite, shown on the dashboard. Call
 * before `runSuite()`; `PERF_BENCH_GREP` keeps the tables whose name matches.
 */
export function record(table: ResultTable): void {
  tables.push(table);
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
  return cases.map(([name, role], i): CaseResult => {
    const stats = sampleStats(times[i]!);
    const peak = peaks[i]!;
    return peak.length > 0 ? { name, role, stats, extra: { peakRssBytes: Math.max(...peak) } } : { name, role, stats };
  });
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
    if (isSamples(d)) {
      const cases = [fromSamples('ours', 'ours', d.ours)];
      for (const [peer, samples] of Object.entries(d.peers)) cases.push(fromSamples(peer, 'peer', samples));
      comparisons.push({ name: d.name, cases, goals: d.options.goals ?? [] });
      continue;
    }
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
  const kept = tables.filter((t) => !filter || t.name.includes(filter));
  const result: SuiteResult = { file, comparisons, ...(kept.length > 0 ? { tables: kept } : {}) };
  reportSuite(result);
  return result;
}

// One seeded PRNG for the tests and the benches' generated inputs.
export { seededRandom } from '@perf/testing/random';
export { LoadSamplesError } from './errors.js';
export {
  type LoadCase,
  type LoadComparison,
  type LoadInterval,
  perOperationSamples,
  runLoadSuite,
} from './loadSuite.js';
export type {
  CaseResult,
  Comparison,
  Goal,
  MemoryStats,
  ResultTable,
  SampleStats,
  SuiteResult,
  TableColumn,
} from './results.js';
export { sampleStats } from './sampleStats.js';
