// Where a bench file's results go: the JSON file `pnpm bench` asked for
// (PERF_BENCH_OUT), or a table on stdout when the file was run by hand.
import { writeFileSync } from 'node:fs';
import type { SuiteResult } from './results.js';
import { formatTable } from './table.js';

export function reportSuite(result: SuiteResult): void {
  const out = process.env.PERF_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify(result));
  else console.log(formatTable([result]));
}
