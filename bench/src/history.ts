// The history of past runs as one series per benchmark case, with change
// points: a run whose samples differ from the previous run of the same case
// significantly (Mann–Whitney) and by more than the minimum effect.
import { flatten } from './flatten.js';
import type { CaseResult, RunResult } from './results.js';
import { mannWhitneyU } from './stats.js';

export interface TrendPoint {
  /** Index of the run in the history (0 = oldest). */
  readonly run: number;
  readonly median: number;
  /** Set when this run differs from the previous point: median ratio and p-value. */
  readonly changePoint?: { readonly ratio: number; readonly p: number };
}

export interface TrendSeries {
  readonly name: string;
  readonly role: CaseResult['role'];
  readonly points: readonly TrendPoint[];
}

export interface Trend {
  readonly package: string;
  readonly file: string;
  readonly comparison: string;
  readonly series: readonly TrendSeries[];
}

export interface HistoryRun {
  readonly startedAt: string;
  readonly commit: string;
}

export function trends(
  runs: readonly RunResult[],
  options: { minEffect?: number; alpha?: number } = {},
): { runs: HistoryRun[]; trends: Trend[] } {
  const minEffect = options.minEffect ?? 0.1;
  const alpha = options.alpha ?? 0.01;
  const byComparison = new Map<
    string,
    { trend: Omit<Trend, 'series'>; series: Map<string, TrendSeries & { last?: readonly number[] }> }
  >();
  runs.forEach((run, i) => {
    for (const c of flatten(run)) {
      const ck = JSON.stringify([c.package, c.file, c.comparison]);
      let entry = byComparison.get(ck);
      if (!entry) {
        entry = { trend: { package: c.package, file: c.file, comparison: c.comparison }, series: new Map() };
        byComparison.set(ck, entry);
      }
      const prev = entry.series.get(c.name);
      const point: TrendPoint = { run: i, median: c.stats.p50 };
      let withChange = point;
      if (prev?.last && prev.points.length > 0) {
        const before = prev.points[prev.points.length - 1]!.median;
        const ratio = c.stats.p50 / before;
        const { p } = mannWhitneyU(c.stats.samples, prev.last);
        if (p < alpha && (ratio >= 1 + minEffect || ratio <= 1 / (1 + minEffect)))
          withChange = { ...point, changePoint: { ratio, p } };
      }
      entry.series.set(c.name, {
        name: c.name,
        role: c.role,
        points: [...(prev?.points ?? []), withChange],
        last: c.stats.samples,
      });
    }
  });
  return {
    runs: runs.map((r) => ({ startedAt: r.startedAt, commit: r.env.commit })),
    trends: [...byComparison.values()].map(({ trend, series }) => ({
      ...trend,
      series: [...series.values()].map(({ name, role, points }) => ({ name, role, points })),
    })),
  };
}
