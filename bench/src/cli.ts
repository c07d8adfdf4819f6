// The runner behind the root scripts:
//   pnpm bench [--filter <package>] [--grep <text>]        run, write bench/results/<timestamp>.json
//   pnpm bench:baseline [--filter ...] [--from <file> | --latest]   save a run as bench/results/baseline.json
//   pnpm bench:compare [--filter ...] [--current <file> | --latest] [--baseline <file>]
//                      [--min-effect 0.1] [--alpha 0.01] [--no-rerun]
//   pnpm bench:report [--run <file>] [--out <dir>] [--serve [--port N]]
// Every command takes --results <dir> (default bench/results; the baseline is <dir>/baseline.json).
// Exit codes: 0 fine; 1 a benchmark failed / a confirmed regression (compare); 2 the input cannot be used.
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { saveBaseline } from './baseline.js';
import { compareRuns, confirmRegressions, formatCompare, summarize } from './compare.js';
import {
  BenchError,
  EnvironmentMismatchError,
  InvalidOptionError,
  MissingBaselineError,
  NoResultsError,
} from './errors.js';
import { formatHeadline, headline } from './headline.js';
import { listRunFiles, readRun, writeRun } from './load.js';
import { buildReport } from './report.js';
import { describeEnvironment, environmentDifferences, type RunResult } from './results.js';
import { discover, environment, repo, rerunFile, runBenchmarks, selectPackages } from './runner.js';
import { serveFolder } from './serve.js';
import { formatTable } from './table.js';

const { values, positionals } = parseArgs({
  options: {
    results: { type: 'string' },
    filter: { type: 'string', multiple: true },
    grep: { type: 'string' },
    from: { type: 'string' },
    latest: { type: 'boolean' },
    current: { type: 'string' },
    baseline: { type: 'string' },
    'min-effect': { type: 'string' },
    alpha: { type: 'string' },
    'no-rerun': { type: 'boolean' },
    run: { type: 'string' },
    out: { type: 'string' },
    serve: { type: 'boolean' },
    port: { type: 'string' },
  },
  allowPositionals: true,
});
// pnpm runs this in bench/; paths on the command line are meant from where the user typed them.
const userPath = (p: string) => resolve(process.env.INIT_CWD ?? process.cwd(), p);
const resultsDir = values.results ? userPath(values.results) : join(repo, 'bench', 'results');
const defaultBaseline = join(resultsDir, 'baseline.json');
const reportDir = join(repo, 'bench', 'report');
const wanted = values.filter ?? [];
// Paths as the user types them from the repository root (pnpm runs us in bench/).
const rel = (p: string) => {
  const r = relative(repo, p);
  return r === '' || r.startsWith('..') ? p : r;
};

function positive(name: string, raw: string | undefined, fallback: number, below = Number.POSITIVE_INFINITY): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!(v > 0 && v < below))
    throw new InvalidOptionError(
      name,
      `expected a number above 0${below < Infinity ? ` and below ${below}` : ''}, got "${raw}"`,
    );
  return v;
}

function matches(pkg: string): boolean {
  return wanted.length === 0 || wanted.some((w) => w === pkg || pkg === `@perf/${w}` || pkg.endsWith(`/${w}`));
}

/** Runs the selected benchmarks and writes the run file; returns it and whether a bench file failed. */
function measure(): { run: RunResult; path: string; failed: number } {
  const all = discover();
  const selected = selectPackages(all, wanted);
  if (selected.length === 0) {
    throw new InvalidOptionError(
      'filter',
      `no package matches ${wanted.join(', ')}; known: ${all.map((p) => p.name).join(', ') || 'none'}`,
    );
  }
  const { run, failed } = runBenchmarks(selected, { grep: values.grep });
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  writeRun(path, run);
  const e = run.env;
  console.log(`\n${describeEnvironment(e)}, commit ${e.commit.slice(0, 10)}${e.dirty ? ' (dirty)' : ''}`);
  console.log(formatTable(run.packages.flatMap((p) => p.suites)));
  const rows = headline(run);
  if (rows.length > 0) console.log(`\nours/peer with 95% bootstrap intervals:\n${formatHeadline(rows)}`);
  console.log(`\nbench: results written to ${rel(path)}`);
  return { run, path, failed };
}

/** An existing run: --<option> <file>, or the newest with --latest. */
function existing(option: 'from' | 'current'): RunResult | undefined {
  const given = values[option];
  if (given) return readRun(userPath(given));
  if (!values.latest) return undefined;
  const newest = listRunFiles(resultsDir).at(-1);
  if (!newest) throw new NoResultsError(rel(resultsDir));
  console.log(`bench: using ${rel(newest)}`);
  return readRun(newest);
}

function onlyWanted(run: RunResult): RunResult {
  return { ...run, packages: run.packages.filter((p) => matches(p.package)) };
}

async function baselineCommand(): Promise<number> {
  const given = existing('from');
  const measured = given ? undefined : measure();
  const run = onlyWanted(given ?? measured!.run);
  const saved = saveBaseline(defaultBaseline, run, wanted.length > 0);
  const cases = saved.packages.flatMap((p) => p.suites.flatMap((s) => s.comparisons)).length;
  console.log(
    `bench: baseline saved to ${rel(defaultBaseline)} (${saved.packages.length} packages, ${cases} comparisons; not committed: it only holds for ${describeEnvironment(saved.env)})`,
  );
  return measured && measured.failed > 0 ? 1 : 0;
}

async function compareCommand(): Promise<number> {
  const baselinePath = values.baseline ? userPath(values.baseline) : defaultBaseline;
  if (!existsSync(baselinePath)) throw new MissingBaselineError(rel(baselinePath));
  const baseline = readRun(baselinePath);
  const options = {
    minEffect: positive('min-effect', values['min-effect'], 0.1),
    alpha: positive('alpha', values.alpha, 0.01, 1),
  };
  const given = existing('current');
  if (!given) {
    // Refuse before spending minutes measuring something that cannot be compared.
    const differences = environmentDifferences(baseline.env, environment());
    if (differences.length > 0) throw new EnvironmentMismatchError(differences, rel(baselinePath));
  }
  const measured = given ? undefined : measure();
  const current = onlyWanted(given ?? measured!.run);
  let result = compareRuns(baseline, current, options, rel(baselinePath));
  const suspects = result.rows.filter((r) => r.verdict === 'regression');
  if (suspects.length > 0 && !values['no-rerun']) {
    console.log(
      `\nbench: ${suspects.length} suspect regression(s); re-running to confirm: ${suspects.map((s) => s.case.label).join(', ')}`,
    );
    result = await confirmRegressions(
      result,
      baseline,
      async (pkg, file, comparisons) => rerunFile(pkg, file, comparisons.length === 1 ? comparisons[0] : undefined),
      options,
    );
  }
  console.log(
    `\nagainst the baseline ${rel(baselinePath)} (${describeEnvironment(baseline.env)}, commit ${baseline.env.commit.slice(0, 10)}):\n`,
  );
  console.log(formatCompare(result));
  const rows = headline(current);
  if (rows.length > 0) console.log(`\nours/peer with 95% bootstrap intervals:\n${formatHeadline(rows)}`);
  const { exitCode } = summarize(result);
  return Math.max(exitCode, measured && measured.failed > 0 ? 1 : 0);
}

async function reportCommand(): Promise<number> {
  const out = values.out ? userPath(values.out) : reportDir;
  const run = values.run ? userPath(values.run) : undefined;
  const report = buildReport({ resultsDir, outDir: out, run, baseline: defaultBaseline });
  for (const n of report.notices) console.log(`report: ${n}`);
  console.log(`report: ${pathToFileURL(report.index).href}`);
  if (!values.serve) return 0;
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidOptionError('port', `"${values.port}" is not a port number`);
  const served = await serveFolder(out, port);
  console.log(`report: serving ${served.url} (Ctrl-C to stop)`);
  await new Promise(() => {}); // until interrupted
  return 0;
}

async function main(): Promise<number> {
  const command = positionals[0] ?? 'run';
  switch (command) {
    case 'run': {
      const { failed } = measure();
      return failed > 0 ? 1 : 0;
    }
    case 'baseline':
      return baselineCommand();
    case 'compare':
      return compareCommand();
    case 'report':
      return reportCommand();
    default:
      throw new InvalidOptionError('command', `unknown command "${command}": use run, baseline, compare or report`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (!(err instanceof BenchError)) throw err;
    console.error(`bench: ${err.message} [${err.code}]`);
    process.exit(2);
  },
);
