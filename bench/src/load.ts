// Reading results files back, never trusting them: a run killed mid-write, a
// hand edit or a file from another version gives a CorruptResultsError that
// names the file and the first thing wrong with it, not a TypeError later.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptResultsError } from './errors.js';
import type { RunResult } from './results.js';

type Json = unknown;

class Invalid extends Error {}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: Json, path: string): Record<string, Json> {
  if (!isObject(v)) throw new Invalid(`${path} is not an object`);
  return v;
}

function arr(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) throw new Invalid(`${path} is missing or not an array`);
  return v;
}

function str(v: Json, path: string): string {
  if (typeof v !== 'string') throw new Invalid(`${path} is missing or not a string`);
  return v;
}

function num(v: Json, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${path} is missing or not a finite number`);
  return v;
}

function checkStats(v: Json, path: string): void {
  const s = obj(v, path);
  for (const k of ['min', 'max', 'avg', 'p25', 'p50', 'p75', 'p99', 'n']) num(s[k], `${path}.${k}`);
  const samples = arr(s.samples, `${path}.samples`);
  if (samples.length === 0) throw new Invalid(`${path}.samples is empty`);
  for (const [i, x] of samples.entries()) num(x, `${path}.samples[${i}]`);
  for (const k of ['heap', 'gc', 'rss']) {
    if (s[k] === undefined) continue;
    const m = obj(s[k], `${path}.${k}`);
    for (const f of ['avg', 'min', 'max']) num(m[f], `${path}.${k}.${f}`);
  }
}

function checkRun(v: Json): RunResult {
  const run = obj(v, 'the file');
  if (run.schema !== 1) throw new Invalid(`schema is ${JSON.stringify(run.schema)}, this version reads schema 1`);
  str(run.startedAt, 'startedAt');
  const env = obj(run.env, 'env');
  for (const k of ['node', 'v8', 'platform', 'arch', 'cpu', 'commit']) str(env[k], `env.${k}`);
  num(env.cores, 'env.cores');
  arr(run.packages, 'packages').forEach((p, i) => {
    const pkg = obj(p, `packages[${i}]`);
    str(pkg.package, `packages[${i}].package`);
    arr(pkg.suites, `packages[${i}].suites`).forEach((su, j) => {
      const sp = `packages[${i}].suites[${j}]`;
      const suite = obj(su, sp);
      str(suite.file, `${sp}.file`);
      arr(suite.comparisons, `${sp}.comparisons`).forEach((co, k) => {
        const cp = `${sp}.comparisons[${k}]`;
        const c = obj(co, cp);
        str(c.name, `${cp}.name`);
        arr(c.goals, `${cp}.goals`).forEach((g, l) => {
          const goal = obj(g, `${cp}.goals[${l}]`);
          str(goal.peer, `${cp}.goals[${l}].peer`);
          num(goal.atMost, `${cp}.goals[${l}].atMost`);
        });
        arr(c.cases, `${cp}.cases`).forEach((ca, l) => {
          const xp = `${cp}.cases[${l}]`;
          const x = obj(ca, xp);
          str(x.name, `${xp}.name`);
          if (x.role !== 'ours' && x.role !== 'peer' && x.role !== 'reference') {
            throw new Invalid(`${xp}.role is ${JSON.stringify(x.role)}, expected ours, peer or reference`);
          }
          checkStats(x.stats, `${xp}.stats`);
        });
      });
    });
  });
  return run as unknown as RunResult;
}

/** Parses and validates the text of a results file; `path` names it in the error. */
export function parseRun(text: string, path: string): RunResult {
  if (text.trim() === '') throw new CorruptResultsError(path, 'the file is empty');
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new CorruptResultsError(path, `it is not valid JSON, probably truncated (${why})`);
  }
  try {
    return checkRun(value);
  } catch (err) {
    if (err instanceof Invalid) throw new CorruptResultsError(path, err.message);
    throw err;
  }
}

/** Reads and validates one results file. */
export function readRun(path: string): RunResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CorruptResultsError(path, `it cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseRun(text, path);
}

/** Writes through a temporary file and a rename, so a killed run never leaves a truncated file. */
export function writeRun(path: string, run: RunResult): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(run)}\n`);
  renameSync(tmp, path);
}

/** The run files of `dir` (named by their start time, so name order is time order), oldest first; not the baseline. */
export function listRunFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}
