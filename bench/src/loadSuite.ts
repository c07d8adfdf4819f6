// What an app's `bench/*.bench.ts` imports when what it measures is a server
// under load rather than a function: each case is an async function that runs
// its own load and resolves to its samples in ns per operation. They become
// the same SampleStats as a mitata case, so `pnpm bench`, `bench:compare` and
// the dashboard read a load suite like any other.
import { LoadSamplesError } from './errors.js';
import type { CaseResult, Comparison, Goal, SuiteResult } from './results.js';
import { sampleStats } from './sampleStats.js';
import { reportSuite } from './suiteOutput.js';

/** Runs one side's load and resolves to its samples, each a time in ns per operation (e.g. per token issued). */
export type LoadCase = () => Promise<readonly number[]>;

export interface LoadComparison {
  readonly name: string;
  readonly ours: LoadCase;
  readonly peers: Readonly<Record<string, LoadCase>>;
  /** median(ours)/median(peer) must be at most `atMost`; for throughput samples, ≤ 1/3 means ≥ 3× the peer's operations per second. */
  readonly goals?: readonly Goal[];
  /** Neither ours nor a peer, but an anchor: e.g. the ceiling of the machine for this kind of request. */
  readonly references?: Readonly<Record<string, LoadCase>>;
}

/** One measurement interval of a load run: how long it lasted and how many operations completed in it. */
export interface LoadInterval {
  readonly ns: number;
  readonly operations: number;
}

/**
 * One sample per interval: its duration divided by the operations completed
 * in it (1e9 / the interval's operations per second). An interval in which
 * nothing completed is merged into the next one instead of giving an infinite
 * time; trailing intervals without any operation are dropped.
 */
export function perOperationSamples(intervals: readonly LoadInterval[]): number[] {
  const samples: number[] = [];
  let ns = 0;
  for (const interval of intervals) {
    ns += interval.ns;
    if (interval.operations === 0) continue;
    samples.push(ns / interval.operations);
    ns = 0;
  }
  return samples;
}

async function measureLoadCase(
  comparison: string,
  name: string,
  role: CaseResult['role'],
  run: LoadCase,
): Promise<CaseResult> {
  const samples = await run();
  if (samples.length === 0) throw new LoadSamplesError(comparison, name, 'no samples');
  const bad = samples.findIndex((x) => !(typeof x === 'number' && Number.isFinite(x) && x > 0));
  if (bad !== -1) throw new LoadSamplesError(comparison, name, `sample ${bad} = ${String(samples[bad])}`);
  return { name, role, stats: sampleStats(samples) };
}

/**
 * Runs each comparison's cases one after another (ours, the peers, the
 * references), and reports them like `runSuite`: a table, or the JSON for
 * `pnpm bench`. `filter` (or PERF_BENCH_GREP) keeps comparisons whose name
 * matches; the cases of the others are never called.
 */
export async function runLoadSuite(
  file: string,
  comparisons: readonly LoadComparison[],
  filter = process.env.PERF_BENCH_GREP,
): Promise<SuiteResult> {
  const measured: Comparison[] = [];
  for (const c of comparisons) {
    if (filter && !c.name.includes(filter)) continue;
    const cases: CaseResult[] = [await measureLoadCase(c.name, 'ours', 'ours', c.ours)];
    for (const [peer, run] of Object.entries(c.peers)) cases.push(await measureLoadCase(c.name, peer, 'peer', run));
    for (const [ref, run] of Object.entries(c.references ?? {})) {
      cases.push(await measureLoadCase(c.name, ref, 'reference', run));
    }
    measured.push({ name: c.name, cases, goals: c.goals ?? [] });
  }
  const result: SuiteResult = { file, comparisons: measured };
  reportSuite(result);
  return result;
}
