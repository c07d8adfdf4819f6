import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/report.js';
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
    expect(ours!.stats.rss).toEqual({ avg: 5000, min: 5000, max: 5000 });
    expect(peer!.stats.rss).toBeUndefined();
    writeJson(dir, '2026-11-30T10-00-00-000Z.json', run);
    const { index } = buildReport({ resultsDir: dir, outDir: join(dir, 'report') });
    expect(readFileSync(index, 'utf8')).toContain('peak RSS 4.9 KB');
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
