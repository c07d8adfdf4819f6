import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boxPlot } from '../src/charts.js';
import { CorruptResultsError } from '../src/errors.js';
import { parseRun } from '../src/load.js';
import { buildReport } from '../src/report.js';
import { ratios } from '../src/results.js';
import { runBenchmarks } from '../src/runner.js';
import { tempDir, writeJson } from './fixtures.js';

describe('runner', () => {
  it('measures a real bench file with the harness (samples, heap) and leaves out one that crashes', () => {
    const dir = tempDir();
    const harness = pathToFileURL(join(import.meta.dirname, '..', 'src', 'harness.ts')).href;
    writeFileSync(
      join(dir, 'ok.bench.ts'),
      `import { compare, runSuite } from '${harness}';
const m = new Map([['k', 1]]);
const o: Record<string, number> = { k: 1 };
compare('lookup', { ours: () => m.get('k'), peers: { object: () => o.k } }, { goals: [{ peer: 'object', atMost: 100 }] });
await runSuite(import.meta.url);
`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n'); // like every workspace package
    writeFileSync(join(dir, 'crash.bench.ts'), `throw new Error('this bench file is broken on purpose');\n`);
    const { run, failed } = runBenchmarks([
      { name: '@perf/demo', dir, files: [join(dir, 'crash.bench.ts'), join(dir, 'ok.bench.ts')] },
    ]);
    expect(failed).toBe(1);
    const suites = run.packages[0]!.suites;
    expect(suites).toHaveLength(1);
    const [ours, peer] = suites[0]!.comparisons[0]!.cases;
    expect([ours!.name, peer!.name]).toEqual(['ours', 'object']);
    expect(ours!.stats.samples.length).toBeGreaterThan(10);
    expect(ours!.stats.samples.length).toBeLessThanOrEqual(1000);
    expect(ours!.stats.heap).toEqual({ avg: expect.any(Number), min: expect.any(Number), max: expect.any(Number) });
    expect(run.env.cores).toBeGreaterThan(0);
  });

  it('collects a load bench file (runLoadSuite) into a run that compare and the dashboard read like any other', () => {
    const dir = tempDir();
    const harness = pathToFileURL(join(import.meta.dirname, '..', 'src', 'harness.ts')).href;
    writeFileSync(
      join(dir, 'tokens.bench.ts'),
      `import { perOperationSamples, runLoadSuite } from '${harness}';
// 50 intervals of 100 ms: ours completes 1000 operations in each, the peer 400.
const steady = (operations: number) => async () =>
  perOperationSamples(Array.from({ length: 50 }, () => ({ ns: 100e6, operations })));
await runLoadSuite(import.meta.url, [
  { name: 'tokens', ours: steady(1000), peers: { peer: steady(400) }, goals: [{ peer: 'peer', atMost: 1 / 3 }] },
]);
`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const { run, failed } = runBenchmarks([{ name: '@perf/app', dir, files: [join(dir, 'tokens.bench.ts')] }]);
    expect(failed).toBe(0);
    const read = parseRun(JSON.stringify(run), 'the run'); // the schema every reader checks
    const comparison = read.packages[0]!.suites[0]!.comparisons[0]!;
    expect(comparison.cases.map((c) => [c.name, c.stats.n, c.stats.p50])).toEqual([
      ['ours', 50, 100_000],
      ['peer', 50, 250_000],
    ]);
    expect(ratios(comparison)).toEqual([
      { name: 'peer', ratio: 0.4, goal: { peer: 'peer', atMost: 1 / 3 }, met: false }, // 2.5× the peer, not 3×
    ]);
  });

  it('stores samples a bench measured itself (compareSamples) with their extra figures, shown beside the case', () => {
    const dir = tempDir();
    const harness = pathToFileURL(join(import.meta.dirname, '..', 'src', 'harness.ts')).href;
    writeFileSync(
      join(dir, 'measured.bench.ts'),
      `import { compareSamples, runSuite } from '${harness}';
const ms = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) * 1e6);
compareSamples(
  'start delay',
  { ours: { samplesNs: ms(100), extra: { peakRssBytes: 2 * 1024 * 1024, cpuPercent: 3.5 } }, peers: { other: { samplesNs: ms(200) } } },
  { goals: [{ peer: 'other', atMost: 0.6 }] },
);
await runSuite(import.meta.url);
`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const { run, failed } = runBenchmarks([{ name: '@perf/demo', dir, files: [join(dir, 'measured.bench.ts')] }]);
    expect(failed).toBe(0);
    const comparison = run.packages[0]!.suites[0]!.comparisons[0]!;
    const [ours, other] = comparison.cases;
    expect(ours).toMatchObject({
      name: 'ours',
      role: 'ours',
      stats: { n: 100, min: 1e6, max: 100e6, p50: 50e6, p99: 99e6 },
      extra: { peakRssBytes: 2 * 1024 * 1024, cpuPercent: 3.5 },
    });
    expect(other).toMatchObject({ role: 'peer', stats: { n: 200, p50: 100e6 } });
    expect(other!.extra).toBeUndefined();
    expect(comparison.goals).toEqual([{ peer: 'other', atMost: 0.6 }]);
    expect(boxPlot(comparison)).toContain('median 50.00 ms · p99 99.00 ms · peak rss 2.0 MB · cpu 3.5%');
    const text = JSON.stringify(run).replace('"cpuPercent":3.5', '"cpuPercent":"3.5"');
    expect(() => parseRun(text, 'bad.json')).toThrow(CorruptResultsError);
    expect(() => parseRun(text, 'bad.json')).toThrow('extra.cpuPercent is missing or not a finite number');
  });

  it('measures slow operations by runs, the cases taking turns, with the peak memory of each run (an app bench)', () => {
    const dir = tempDir();
    const harness = pathToFileURL(join(import.meta.dirname, '..', 'src', 'harness.ts')).href;
    writeFileSync(
      join(dir, 'runs.bench.ts'),
      `import { compare, runSuite } from '${harness}';
const order: string[] = [];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let held = 1000;
compare(
  'slow',
  { ours: async () => { order.push('o'); held = 5000; await pause(60); held = 1000; }, peers: { peer: async () => { order.push('p'); await pause(30); } } },
  { runs: 3, rss: { ours: () => held } },
);
const result = await runSuite(import.meta.url);
if (order.join('') !== 'opopop') throw new Error('cases did not take turns: ' + order.join(''));
void result;
`,
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const { run, failed } = runBenchmarks([{ name: '@perf/app', dir, files: [join(dir, 'runs.bench.ts')] }]);
    expect(failed).toBe(0);
    const [ours, peer] = run.packages[0]!.suites[0]!.comparisons[0]!.cases;
    expect(ours!.stats.n).toBe(3);
    expect(ours!.stats.samples).toHaveLength(3);
    expect(ours!.stats.p50).toBeGreaterThanOrEqual(55e6); // ≥ 55 ms, in ns
    expect(ours!.extra).toEqual({ peakRssBytes: 5000 });
    expect(peer!.extra).toBeUndefined();
    writeJson(dir, '2026-11-30T10-00-00-000Z.json', run);
    const { index } = buildReport({ resultsDir: dir, outDir: join(dir, 'report') });
    expect(readFileSync(index, 'utf8')).toContain('peak rss 4.9 KB');
  });

  it('says in the dashboard when every bench file of a package failed', () => {
    const dir = tempDir();
    writeJson(dir, '2026-11-23T10-00-00-000Z.json', {
      schema: 1,
      startedAt: '2026-11-23T10:00:00.000Z',
      env: {
        node: '20.20.2',
        v8: 'x',
        platform: 'linux',
        arch: 'x64',
        cpu: 'c',
        cores: 2,
        memoryBytes: 1,
        commit: 'a',
        dirty: false,
      },
      packages: [{ package: '@perf/demo', suites: [] }],
    });
    expect(buildReport({ resultsDir: dir, outDir: join(dir, 'r') }).notices).toEqual([
      '@perf/demo: no results in this run (its bench files failed).',
    ]);
  });
});
