// The baseline: a run kept as the reference for `bench:compare`. Measuring a
// few packages (--filter) replaces just those packages in an existing baseline
// of the same environment; anything else starts a new one.
import { existsSync } from 'node:fs';
import { readRun, writeRun } from './load.js';
import { environmentDifferences, type RunResult } from './results.js';

export function mergeBaseline(previous: RunResult | undefined, run: RunResult, partial: boolean): RunResult {
  if (!partial || !previous || environmentDifferences(previous.env, run.env).length > 0) return run;
  const measured = new Set(run.packages.map((p) => p.package));
  return { ...run, packages: [...previous.packages.filter((p) => !measured.has(p.package)), ...run.packages] };
}

/** Saves `run` as the baseline at `path`; with `partial`, merges into the existing one. Returns what was written. */
export function saveBaseline(path: string, run: RunResult, partial: boolean): RunResult {
  let previous: RunResult | undefined;
  if (partial && existsSync(path)) {
    try {
      previous = readRun(path);
    } catch {
      previous = undefined; // a corrupt old baseline is replaced, not merged
    }
  }
  const merged = mergeBaseline(previous, run, partial);
  writeRun(path, merged);
  return merged;
}
