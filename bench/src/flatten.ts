// One row per measured case of a run, keyed so that two runs can be matched
// benchmark by benchmark.
import type { CaseResult, RunResult } from './results.js';

export interface MeasuredCase {
  /** Stable identity across runs: package, bench file, comparison and case. */
  readonly key: string;
  /** `@perf/cache › get hit › lru-cache` for people. */
  readonly label: string;
  readonly package: string;
  readonly file: string;
  readonly comparison: string;
  readonly name: string;
  readonly role: CaseResult['role'];
  readonly stats: CaseResult['stats'];
}

export function flatten(run: RunResult): MeasuredCase[] {
  const out: MeasuredCase[] = [];
  for (const p of run.packages) {
    for (const s of p.suites) {
      for (const c of s.comparisons) {
        for (const x of c.cases) {
          out.push({
            key: JSON.stringify([p.package, s.file, c.name, x.name]),
            label: `${p.package} › ${c.name} › ${x.name}`,
            package: p.package,
            file: s.file,
            comparison: c.name,
            name: x.name,
            role: x.role,
            stats: x.stats,
          });
        }
      }
    }
  }
  return out;
}
