// The JSON a benchmark run writes to bench/results/<timestamp>.json. Baselines,
// comparisons between runs and the dashboard read this shape: bump `schema`
// when it changes incompatibly.

/** Timings in nanoseconds per call. `samples` is an even stride over mitata's sorted samples. */
export interface SampleStats {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p99: number;
  /** Number of samples mitata took (before thinning). */
  readonly n: number;
  readonly samples: readonly number[];
  /** Heap bytes allocated per call (mitata's V8 heap counter); absent in older results. */
  readonly heap?: MemoryStats;
  /** Time of a forced GC between samples, when mitata measured it. */
  readonly gc?: MemoryStats;
  /** Peak resident memory in bytes of what served the case (an app bench's `rss` option), over its runs. */
  readonly rss?: MemoryStats;
}

/** avg/min/max of a per-sample figure that mitata reports besides time. */
export interface MemoryStats {
  readonly avg: number;
  readonly min: number;
  readonly max: number;
}

export interface CaseResult {
  /** `ours` for our code; the peer's name (e.g. `prom-client`) otherwise. */
  readonly name: string;
  readonly role: 'ours' | 'peer' | 'reference';
  readonly stats: SampleStats;
}

/** A goal from the package's issue: median(ours) / median(peer) must be at most `atMost`. */
export interface Goal {
  readonly peer: string;
  readonly atMost: number;
}

export interface Comparison {
  readonly name: string;
  readonly cases: readonly CaseResult[];
  readonly goals: readonly Goal[];
}

export interface SuiteResult {
  /** Path of the bench file, relative to the repository root. */
  readonly file: string;
  readonly comparisons: readonly Comparison[];
}

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly commit: string;
  /** True when the working tree had uncommitted changes. */
  readonly dirty: boolean;
}

export interface PackageResult {
  /** Workspace package name, e.g. `@perf/metrics`. */
  readonly package: string;
  readonly suites: readonly SuiteResult[];
}

export interface RunResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly env: Environment;
  readonly packages: readonly PackageResult[];
}

/** The fields that must match for two runs' timings to be comparable (not the commit: that is what changes). */
export const FINGERPRINT_FIELDS = ['node', 'platform', 'arch', 'cpu', 'cores'] as const;

/** `node 20.20.2 → 24.21.0` for each fingerprint field that differs; empty when comparable. */
export function environmentDifferences(before: Environment, after: Environment): string[] {
  return FINGERPRINT_FIELDS.filter((f) => before[f] !== after[f]).map((f) => `${f} ${before[f]} → ${after[f]}`);
}

/** `Node 20.20.2, AMD EPYC × 2, linux/x64`. */
export function describeEnvironment(e: Environment): string {
  return `Node ${e.node}, ${e.cpu} × ${e.cores}, ${e.platform}/${e.arch}`;
}

/** median(ours) / median(peer) for each peer and reference of a comparison. */
export function ratios(c: Comparison): { name: string; ratio: number; goal?: Goal; met?: boolean }[] {
  const ours = c.cases.find((x) => x.role === 'ours');
  if (!ours) return [];
  return c.cases
    .filter((x) => x.role !== 'ours')
    .map((x) => {
      const ratio = ours.stats.p50 / x.stats.p50;
      const goal = c.goals.find((g) => g.peer === x.name);
      return goal ? { name: x.name, ratio, goal, met: ratio <= goal.atMost } : { name: x.name, ratio };
    });
}
