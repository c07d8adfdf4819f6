// The headline of a run: for each comparison and each peer, the ratio of the
// medians ours/peer with its bootstrap interval, and whether the goal is met.
import type { Goal, RunResult } from './results.js';
import { bootstrapRatio, type Interval } from './stats.js';
import { alignColumns, formatGoal } from './table.js';

export interface HeadlineRow {
  readonly package: string;
  readonly file: string;
  readonly comparison: string;
  /** The peer or reference measured against ours. */
  readonly against: string;
  readonly role: 'peer' | 'reference';
  readonly oursMedian: number;
  readonly againstMedian: number;
  /** median(ours) / median(against) (the same figure as `pnpm bench`'s table), with a 95 % bootstrap interval. */
  readonly ratio: Interval;
  readonly goal?: Goal;
  /** `met` / `not met` by the median ratio; `uncertain` adds that the interval straddles the goal. */
  readonly status?: 'met' | 'not met';
  readonly uncertain?: boolean;
}

export function headline(run: RunResult, options: { resamples?: number; seed?: number } = {}): HeadlineRow[] {
  const rows: HeadlineRow[] = [];
  for (const p of run.packages) {
    for (const s of p.suites) {
      for (const c of s.comparisons) {
        const ours = c.cases.find((x) => x.role === 'ours');
        if (!ours) continue;
        for (const x of c.cases) {
          if (x.role === 'ours') continue;
          const boot = bootstrapRatio(ours.stats.samples, x.stats.samples, options);
          const ratio = { ...boot, estimate: ours.stats.p50 / x.stats.p50 };
          const goal = c.goals.find((g) => g.peer === x.name);
          const base = {
            package: p.package,
            file: s.file,
            comparison: c.name,
            against: x.name,
            role: x.role,
            oursMedian: ours.stats.p50,
            againstMedian: x.stats.p50,
            ratio,
          };
          if (!goal) {
            rows.push(base);
            continue;
          }
          const status = ratio.estimate <= goal.atMost ? 'met' : 'not met';
          rows.push({ ...base, goal, status, uncertain: ratio.low <= goal.atMost && ratio.high > goal.atMost });
        }
      }
    }
  }
  return rows;
}

/** `0.123× [0.118–0.130]`. */
export function formatRatioInterval(r: Interval): string {
  return `${fmt(r.estimate)}× [${fmt(r.low)}–${fmt(r.high)}]`;
}

/** Three significant figures: 0.0123, 0.123, 1.23, 12.3. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

export function formatHeadline(rows: readonly HeadlineRow[]): string {
  const out: string[][] = [['package', 'benchmark', 'vs', 'ours/peer [95% CI]', 'goal']];
  for (const r of rows) {
    const goal = r.goal
      ? `≤ ${formatGoal(r.goal.atMost)}: ${r.status === 'met' ? 'met' : 'NOT MET'}${r.uncertain ? ' (interval straddles the goal)' : ''}`
      : '';
    out.push([r.package, r.comparison, r.against, formatRatioInterval(r.ratio), goal]);
  }
  return alignColumns(out);
}
