// `pnpm bench:report`: the latest run (or a chosen one), the history of runs
// from the same environment and the baseline, rendered into one folder:
// index.html (self-contained) and data.json (the run it was built from).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compareRuns } from './compare.js';
import { type DashboardInput, renderDashboard } from './dashboard.js';
import { BenchError, NoResultsError } from './errors.js';
import { headline } from './headline.js';
import { trends } from './history.js';
import { listRunFiles, readRun } from './load.js';
import { environmentDifferences, type RunResult } from './results.js';

export interface ReportOptions {
  /** Folder of the run files (bench/results). */
  readonly resultsDir: string;
  /** Folder to write index.html and data.json into (created if needed). */
  readonly outDir: string;
  /** The run to show; default the newest in `resultsDir`. */
  readonly run?: string | undefined;
  /** Baseline file; shown when it exists and comes from the same environment. */
  readonly baseline?: string | undefined;
  /** How many past runs the trend lines show (default 30). */
  readonly historyLimit?: number;
}

export interface Report {
  /** Absolute path of index.html. */
  readonly index: string;
  readonly notices: readonly string[];
}

export function buildReport(o: ReportOptions): Report {
  const files = listRunFiles(o.resultsDir);
  const runFile = o.run ?? files[files.length - 1];
  if (!runFile) throw new NoResultsError(o.resultsDir);
  const run = readRun(runFile); // the run shown must be sound: a corrupt one throws with its message
  const notices: string[] = [];

  const history: RunResult[] = [];
  let otherEnv = 0;
  for (const f of files.slice(-(o.historyLimit ?? 30))) {
    if (f === runFile) continue;
    try {
      const past = readRun(f);
      if (environmentDifferences(past.env, run.env).length > 0) otherEnv++;
      else if (past.startedAt <= run.startedAt) history.push(past);
    } catch (err) {
      if (!(err instanceof BenchError)) throw err;
      notices.push(`Left out of the history: ${err.message}`);
    }
  }
  if (otherEnv > 0) notices.push(`${otherEnv} past run(s) from another environment are left out of the history.`);
  history.push(run);

  let baseline: DashboardInput['baseline'];
  if (o.baseline && existsSync(o.baseline)) {
    try {
      const result = compareRuns(readRun(o.baseline), run, {}, o.baseline);
      baseline = { file: basename(o.baseline), result };
      const missing = result.rows.filter((r) => r.verdict === 'missing');
      if (missing.length > 0)
        notices.push(`In the baseline but missing from this run: ${missing.map((m) => m.case.label).join(', ')}.`);
    } catch (err) {
      if (!(err instanceof BenchError)) throw err;
      notices.push(`Baseline not shown: ${err.message}`);
    }
  }
  for (const p of run.packages) {
    if (p.suites.length === 0) notices.push(`${p.package}: no results in this run (its bench files failed).`);
  }

  const html = renderDashboard({
    run,
    runFile: basename(runFile),
    headline: headline(run),
    history: trends(history),
    ...(baseline ? { baseline } : {}),
    notices,
  });
  mkdirSync(o.outDir, { recursive: true });
  const index = join(o.outDir, 'index.html');
  writeFileSync(join(o.outDir, 'data.json'), `${JSON.stringify(run)}\n`);
  writeFileSync(index, html);
  return { index, notices };
}
