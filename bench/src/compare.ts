// A new run against the baseline, benchmark by benchmark: the change of the
// median with a bootstrap interval, and the Mann–Whitney U test. A change is a
// regression only when it is both statistically real (p < alpha) and larger
// than the minimum effect, and (unless asked not to) when a re-run of that
// benchmark shows it again. Only our own code gates; peers are context (when a
// peer moves as much as ours, the machine moved, not the code).
import { EnvironmentMismatchError } from './errors.js';
import { flatten, type MeasuredCase } from './flatten.js';
import { environmentDifferences, type PackageResult, type RunResult } from './results.js';
import { bootstrapRatio, type Interval, mannWhitneyU } from './stats.js';
import { alignColumns, formatNs } from './table.js';

export interface CompareOptions {
  /** Smallest relative change of the median that counts (default 0.10 = 10 %). */
  readonly minEffect?: number;
  /** Significance level of the Mann–Whitney U test (default 0.01). */
  readonly alpha?: number;
  /** Bootstrap resamples for the intervals (default 1000). */
  readonly resamples?: number;
  /** Seed of the bootstrap (default 1). */
  readonly seed?: number;
}

export type Verdict =
  /** Slower, significant, above the minimum effect, and confirmed by the re-run (or not re-run). */
  | 'regression'
  /** Was a suspect, but the re-run did not show it again: noise. */
  | 'not confirmed'
  | 'improvement'
  /** A peer or reference moved significantly and by more than the minimum effect (never gates). */
  | 'slower'
  | 'faster'
  | 'unchanged'
  /** In the baseline, not in this run. */
  | 'missing'
  /** In this run, not in the baseline. */
  | 'new';

export interface Change {
  /** current median / baseline median, with its 95 % interval. */
  readonly ratio: Interval;
  readonly p: number;
}

export interface CaseComparison {
  readonly case: MeasuredCase;
  readonly verdict: Verdict;
  readonly baselineMedian?: number;
  readonly currentMedian?: number;
  readonly change?: Change;
  /** The confirmation run of a suspect. */
  readonly rerun?: Change & { readonly median: number };
  /** Whether this case can fail the comparison (our code), or is context (peers, references). */
  readonly gated: boolean;
}

export interface CompareResult {
  readonly rows: readonly CaseComparison[];
  readonly minEffect: number;
  readonly alpha: number;
  /** Whether suspects were re-run (false with --no-rerun: suspects then count as regressions). */
  readonly rerun: boolean;
}

/** Re-runs the bench of one package (only the named file and comparisons need to be measured). */
export type Rerun = (pkg: string, file: string, comparisons: readonly string[]) => Promise<PackageResult>;

function settings(o: CompareOptions): Required<CompareOptions> {
  return { minEffect: o.minEffect ?? 0.1, alpha: o.alpha ?? 0.01, resamples: o.resamples ?? 1000, seed: o.seed ?? 1 };
}

function measureChange(before: MeasuredCase, after: MeasuredCase, o: Required<CompareOptions>): Change {
  const ratio = bootstrapRatio(after.stats.samples, before.stats.samples, { resamples: o.resamples, seed: o.seed });
  return { ratio, p: mannWhitneyU(after.stats.samples, before.stats.samples).p };
}

function direction(c: Change, o: Required<CompareOptions>): 'slower' | 'faster' | 'same' {
  if (!(c.p < o.alpha)) return 'same';
  if (c.ratio.estimate >= 1 + o.minEffect) return 'slower';
  if (c.ratio.estimate <= 1 / (1 + o.minEffect)) return 'faster';
  return 'same';
}

/**
 * Compares `current` with `baseline` without re-running anything. Throws
 * EnvironmentMismatchError when their fingerprints differ. With `packages`,
 * only those packages are compared (the others were not measured this time).
 */
export function compareRuns(
  baseline: RunResult,
  current: RunResult,
  options: CompareOptions = {},
  baselinePath = 'baseline',
): CompareResult {
  const o = settings(options);
  const differences = environmentDifferences(baseline.env, current.env);
  if (differences.length > 0) throw new EnvironmentMismatchError(differences, baselinePath);
  const measured = new Set(current.packages.map((p) => p.package));
  const before = new Map(flatten(baseline).map((c) => [c.key, c]));
  const after = flatten(current);
  const rows: CaseComparison[] = [];
  for (const a of after) {
    const b = before.get(a.key);
    const gated = a.role === 'ours';
    if (!b) {
      rows.push({ case: a, verdict: 'new', currentMedian: a.stats.p50, gated });
      continue;
    }
    const change = measureChange(b, a, o);
    const d = direction(change, o);
    const verdict: Verdict = gated
      ? d === 'slower'
        ? 'regression'
        : d === 'faster'
          ? 'improvement'
          : 'unchanged'
      : d === 'same'
        ? 'unchanged'
        : d;
    rows.push({ case: a, verdict, baselineMedian: b.stats.p50, currentMedian: a.stats.p50, change, gated });
  }
  const seen = new Set(after.map((a) => a.key));
  for (const b of before.values()) {
    if (seen.has(b.key) || !measured.has(b.package)) continue;
    rows.push({ case: b, verdict: 'missing', baselineMedian: b.stats.p50, gated: true });
  }
  return { rows, minEffect: o.minEffect, alpha: o.alpha, rerun: false };
}

/** Re-runs every suspect regression once (grouped by bench file) and keeps only those it shows again. */
export async function confirmRegressions(
  result: CompareResult,
  baseline: RunResult,
  rerun: Rerun,
  options: CompareOptions = {},
): Promise<CompareResult> {
  const o = settings(options);
  const before = new Map(flatten(baseline).map((c) => [c.key, c]));
  const suspects = result.rows.filter((r) => r.verdict === 'regression');
  const byFile = new Map<string, CaseComparison[]>();
  for (const s of suspects) {
    const k = JSON.stringify([s.case.package, s.case.file]);
    byFile.set(k, [...(byFile.get(k) ?? []), s]);
  }
  const again = new Map<string, MeasuredCase>();
  for (const group of byFile.values()) {
    const { package: pkg, file } = group[0]!.case;
    const run = await rerun(pkg, file, [...new Set(group.map((g) => g.case.comparison))]);
    for (const c of flatten({ ...baseline, packages: [run] })) again.set(c.key, c);
  }
  const rows = result.rows.map((r): CaseComparison => {
    if (r.verdict !== 'regression') return r;
    const b = before.get(r.case.key)!;
    const a = again.get(r.case.key);
    if (!a) return { ...r, verdict: 'regression' }; // the re-run crashed or lost it: keep the first verdict, never pass silently
    const change = measureChange(b, a, o);
    const verdict: Verdict = direction(change, o) === 'slower' ? 'regression' : 'not confirmed';
    return { ...r, verdict, rerun: { ...change, median: a.stats.p50 } };
  });
  return { ...result, rows, rerun: true };
}

export function formatPercent(ratio: number): string {
  const pct = (ratio - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(pct !== 0 && Math.abs(pct) < 10 ? 1 : 0)}%`;
}

export function formatChange(c: Change): string {
  return `${formatPercent(c.ratio.estimate)} [${formatPercent(c.ratio.low)}, ${formatPercent(c.ratio.high)}]`;
}

export function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function describe(r: CaseComparison, result: CompareResult): string {
  const role = r.gated ? '' : ` (${r.case.role}, not gated)`;
  switch (r.verdict) {
    case 'regression':
      if (r.rerun) return `REGRESSION, confirmed on re-run (${formatChange(r.rerun)})`;
      return result.rerun ? 'REGRESSION (the re-run produced no result for it)' : 'REGRESSION (not re-run)';
    case 'not confirmed':
      return `suspect, not confirmed on re-run (${r.rerun ? formatChange(r.rerun) : '?'}): noise`;
    case 'missing':
      return 'MISSING in this run (it is in the baseline): did its bench fail or get renamed?';
    case 'new':
      return 'new: not in the baseline (run `pnpm bench:baseline` to include it)';
    default:
      return `${r.verdict}${role}`;
  }
}

/** The comparison as a text table plus one summary line. */
export function formatCompare(result: CompareResult): string {
  const rows: string[][] = [['benchmark', 'baseline', 'current', 'change [95% CI]', 'p', 'verdict']];
  for (const r of result.rows) {
    rows.push([
      r.case.label,
      r.baselineMedian === undefined ? '' : formatNs(r.baselineMedian),
      r.currentMedian === undefined ? '' : formatNs(r.currentMedian),
      r.change ? formatChange(r.change) : '',
      r.change ? formatP(r.change.p) : '',
      describe(r, result),
    ]);
  }
  return `${alignColumns(rows)}\n\n${summarize(result).text}`;
}

export interface CompareSummary {
  readonly regressions: number;
  readonly missing: number;
  /** 0 = nothing confirmed, 1 = a confirmed regression, 2 = benchmarks missing (cannot vouch for them). */
  readonly exitCode: 0 | 1 | 2;
  readonly text: string;
}

export function summarize(result: CompareResult): CompareSummary {
  const regressions = result.rows.filter((r) => r.verdict === 'regression').length;
  const missing = result.rows.filter((r) => r.verdict === 'missing').length;
  const noise = result.rows.filter((r) => r.verdict === 'not confirmed').length;
  const noun = `regression${regressions === 1 ? '' : 's'}`;
  const parts = [
    result.rerun || regressions === 0 ? `${regressions} confirmed ${noun}` : `${regressions} ${noun} (not re-run)`,
    `${noise} suspect${noise === 1 ? '' : 's'} not confirmed on re-run`,
    `${missing} missing`,
  ];
  const rule = `a regression is significant (Mann–Whitney p < ${result.alpha}) and ≥ ${Math.round(result.minEffect * 100)}% slower`;
  const exitCode = regressions > 0 ? 1 : missing > 0 ? 2 : 0;
  const text = `compare: ${parts.join(', ')} (${rule}).`;
  return { regressions, missing, exitCode, text };
}
