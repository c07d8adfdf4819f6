// The hit-ratio suite as part of `pnpm bench --filter @perf/cache`: the table
// (trace × LRU / ours / Caffeine / Bélády) goes into the results file and the
// dashboard. Hit ratios are not timings: they are recorded, not measured by mitata.
import { record, runSuite } from '@perf/bench';
import { bar, type HitRatioReport, measureHitRatios, suiteTraces, verdicts } from './hitRatio.js';

export const TABLE_NAME = 'hit ratio by trace (%)';

function asTable(report: HitRatioReport) {
  const percent = (x: number | undefined) => (x === undefined ? null : 100 * x);
  return {
    name: TABLE_NAME,
    columns: [
      { name: 'cache (entries)', decimals: 0 },
      { name: 'LRU (lru-cache)', unit: '%' },
      { name: 'W-TinyLFU (ours)', unit: '%' },
      { name: 'Caffeine 2.6.2', unit: '%' },
      { name: 'Bélády optimum', unit: '%' },
      { name: 'ours − better of LRU, Caffeine', unit: ' pts' },
    ],
    rows: report.rows.map((r) => ({
      label: r.name,
      values: [
        r.cacheSize,
        percent(r.lru),
        percent(r.ours),
        percent(r.caffeine),
        percent(r.optimal),
        percent(r.ours - bar(r)),
      ],
    })),
    notes: [
      'Seeded traces (packages/cache/bench/trace.ts), replayed with get, then set on a miss. Reproduce: pnpm --filter @perf/cache hit-ratio',
      ...verdicts(report).map((line) => line.replaceAll('**', '')),
    ],
  };
}

const grep = process.env.PERF_BENCH_GREP;
if (!grep || TABLE_NAME.includes(grep)) {
  record(asTable(measureHitRatios(suiteTraces(), (line) => console.error(line))));
}
await runSuite(import.meta.url);
