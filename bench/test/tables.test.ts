import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CorruptResultsError } from '../src/errors.js';
import { parseRun } from '../src/load.js';
import { buildReport } from '../src/report.js';
import type { ResultTable, RunResult } from '../src/results.js';
import { runBenchmarks } from '../src/runner.js';
import { formatTable } from '../src/table.js';
import { cachePackage, syntheticRun, tempDir, writeJson } from './fixtures.js';

const hitRatios: ResultTable = {
  name: 'hit ratio by trace',
  columns: [
    { name: 'LRU', unit: '%' },
    { name: 'ours', unit: '%' },
    { name: 'Caffeine', unit: '%' },
  ],
  rows: [
    { label: 'Zipf 0.8 <2,000 entries>', values: [26.6, 37.6, 37.7] },
    { label: 'loop over 12k keys', values: [0, 15.6, null] },
  ],
  notes: ['Caffeine column skipped on the loop: a note says why.'],
};

/** A run whose cache suite also carries `tables`. */
function runWithTables(tables: unknown): RunResult {
  const run = syntheticRun([cachePackage()]);
  const [pkg] = run.packages;
  return { ...run, packages: [{ ...pkg!, suites: [{ ...pkg!.suites[0]!, tables }] }] } as RunResult;
}

describe('recorded tables (figures that are not timings)', () => {
  it('a bench file records one with record(); the runner keeps it with the suite', () => {
    const dir = tempDir();
    const harness = pathToFileURL(join(import.meta.dirname, '..', 'src', 'harness.ts')).href;
    writeFileSync(
      join(dir, 'ratios.bench.ts'),
      `import { record, runSuite } from '${harness}';
record(${JSON.stringify(hitRatios)});
await runSuite(import.meta.url);
`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const { run, failed } = runBenchmarks([{ name: '@perf/demo', dir, files: [join(dir, 'ratios.bench.ts')] }]);
    expect(failed).toBe(0);
    expect(run.packages[0]!.suites[0]).toMatchObject({ comparisons: [], tables: [hitRatios] });
    expect(formatTable(run.packages[0]!.suites)).toMatch(/loop over 12k keys\s+0\.0%\s+15\.6%\s+–/);
  });

  it('older results without tables still load; a table that does not add up is refused with its path', () => {
    expect(parseRun(JSON.stringify(syntheticRun([cachePackage()])), 'x.json').packages[0]!.suites[0]!.tables).toBe(
      undefined,
    );
    expect(parseRun(JSON.stringify(runWithTables([hitRatios])), 'x.json').packages[0]!.suites[0]!.tables).toEqual([
      hitRatios,
    ]);
    const short = { ...hitRatios, rows: [{ label: 'a', values: [1, 2] }] };
    const text = { ...hitRatios, rows: [{ label: 'a', values: [1, '2%', 3] }] };
    expect(() => parseRun(JSON.stringify(runWithTables([short])), 'x.json')).toThrow(CorruptResultsError);
    expect(() => parseRun(JSON.stringify(runWithTables([short])), 'x.json')).toThrow(
      'packages[0].suites[0].tables[0].rows[0].values has 2 values for 3 columns',
    );
    expect(() => parseRun(JSON.stringify(runWithTables([text])), 'x.json')).toThrow(
      'packages[0].suites[0].tables[0].rows[0].values[1] is missing or not a finite number',
    );
  });

  it('the dashboard shows the table in its package section, escaped, with units, dashes and notes', () => {
    const dir = tempDir();
    writeJson(dir, '2026-11-23T10-00-00-000Z.json', runWithTables([hitRatios]));
    const html = readFileSync(buildReport({ resultsDir: dir, outDir: join(dir, 'report') }).index, 'utf8');
    const section = html.slice(html.indexOf('data-package="@perf/cache"'));
    expect(section).toContain('data-table="hit ratio by trace"');
    expect(section).toContain('<td>Zipf 0.8 &#60;2,000 entries&#62;</td><td class="num">26.6%</td>');
    expect(section).toContain('<td class="num">15.6%</td><td class="num">–</td>');
    expect(section).toContain('Caffeine column skipped on the loop');
  });
});
