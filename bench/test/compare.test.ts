import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, confirmRegressions, formatCompare, type Rerun, summarize } from '../src/compare.js';
import { CorruptResultsError, EnvironmentMismatchError } from '../src/errors.js';
import { parseRun, readRun } from '../src/load.js';
import type { RunResult } from '../src/results.js';
import { cachePackage, syntheticRun, tempDir, writeJson } from './fixtures.js';

const baseline = syntheticRun([cachePackage(30)], { seed: 1 });
const rerunWith =
  (run: RunResult): Rerun =>
  async (pkg) =>
    run.packages.find((p) => p.package === pkg)!;
const ours = (r: ReturnType<typeof compareRuns>) => r.rows.find((x) => x.case.role === 'ours')!;

describe('compare: regressions and noise', () => {
  it('flags a real 2× regression of our code, confirms it on re-run, and exits 1', async () => {
    const current = syntheticRun([cachePackage(60)], { seed: 2 });
    const first = compareRuns(baseline, current);
    expect(ours(first).verdict).toBe('regression');
    expect(ours(first).change!.ratio.estimate).toBeCloseTo(2, 1);
    expect(ours(first).change!.p).toBeLessThan(1e-6);

    const confirmed = await confirmRegressions(
      first,
      baseline,
      rerunWith(syntheticRun([cachePackage(61)], { seed: 3 })),
    );
    expect(ours(confirmed).verdict).toBe('regression');
    expect(ours(confirmed).rerun!.ratio.estimate).toBeCloseTo(61 / 30, 1);
    expect(summarize(confirmed).exitCode).toBe(1);
    expect(formatCompare(confirmed)).toContain('REGRESSION, confirmed on re-run');
  });

  it('does not flag pure noise (same distribution, other seed, noisy samples)', () => {
    const noisyBase = syntheticRun(
      [
        {
          ...cachePackage(),
          comparisons: [{ name: 'get hit', cases: [{ name: 'ours', role: 'ours', median: 30, sigma: 0.4 }] }],
        },
      ],
      { seed: 10 },
    );
    for (const seed of [11, 12, 13, 14, 15]) {
      const noisy = syntheticRun(
        [
          {
            ...cachePackage(),
            comparisons: [{ name: 'get hit', cases: [{ name: 'ours', role: 'ours', median: 30, sigma: 0.4 }] }],
          },
        ],
        { seed },
      );
      const r = compareRuns(noisyBase, noisy);
      expect(ours(r).verdict).toBe('unchanged');
      expect(summarize(r).exitCode).toBe(0);
    }
  });

  it('does not flag a change that is significant but below the minimum effect (5% < 10%)', () => {
    const r = compareRuns(baseline, syntheticRun([cachePackage(31.5)], { seed: 2 }));
    expect(ours(r).change!.p).toBeLessThan(0.01);
    expect(ours(r).verdict).toBe('unchanged');
    expect(
      compareRuns(baseline, syntheticRun([cachePackage(31.5)], { seed: 2 }), { minEffect: 0.03 }).rows[0]!.verdict,
    ).toBe('regression');
  });

  it('reports a suspect that the re-run does not show again as noise, and exits 0', async () => {
    const first = compareRuns(baseline, syntheticRun([cachePackage(60)], { seed: 2 }));
    const r = await confirmRegressions(first, baseline, rerunWith(syntheticRun([cachePackage(30)], { seed: 4 })));
    expect(ours(r).verdict).toBe('not confirmed');
    expect(summarize(r).exitCode).toBe(0);
    expect(formatCompare(r)).toContain('not confirmed on re-run');
  });

  it('re-runs only the package and file of the suspect', async () => {
    const calls: unknown[] = [];
    const first = compareRuns(baseline, syntheticRun([cachePackage(60)], { seed: 2 }));
    await confirmRegressions(first, baseline, async (pkg, file, comparisons) => {
      calls.push([pkg, file, comparisons]);
      return { package: pkg, suites: [] };
    });
    expect(calls).toEqual([['@perf/cache', 'packages/cache/bench/main.bench.ts', ['get hit']]]);
  });

  it('keeps a regression whose re-run produced nothing (never a silent pass)', async () => {
    const first = compareRuns(baseline, syntheticRun([cachePackage(60)], { seed: 2 }));
    const r = await confirmRegressions(first, baseline, async (pkg) => ({ package: pkg, suites: [] }));
    expect(ours(r).verdict).toBe('regression');
    expect(summarize(r).exitCode).toBe(1);
  });

  it('never gates on a peer: a 2× slower lru-cache is reported as context', () => {
    const slowPeer = syntheticRun([cachePackage(30)], { seed: 2 });
    const pkg = slowPeer.packages[0]!;
    const comparison = pkg.suites[0]!.comparisons[0]!;
    const doubled = comparison.cases.map((c) =>
      c.role === 'peer'
        ? { ...c, stats: { ...c.stats, p50: c.stats.p50 * 2, samples: c.stats.samples.map((s) => s * 2) } }
        : c,
    );
    const current: RunResult = {
      ...slowPeer,
      packages: [{ ...pkg, suites: [{ ...pkg.suites[0]!, comparisons: [{ ...comparison, cases: doubled }] }] }],
    };
    const r = compareRuns(baseline, current);
    const peer = r.rows.find((x) => x.case.name === 'lru-cache')!;
    expect(peer.verdict).toBe('slower');
    expect(peer.gated).toBe(false);
    expect(summarize(r).exitCode).toBe(0);
  });
});

describe('compare: bad input', () => {
  it('refuses a baseline from another environment, naming what differs', () => {
    const elsewhere = syntheticRun([cachePackage(30)], { seed: 2, env: { node: '24.21.0', cpu: 'Intel Xeon' } });
    expect(() => compareRuns(baseline, elsewhere, {}, 'bench/results/baseline.json')).toThrow(EnvironmentMismatchError);
    try {
      compareRuns(baseline, elsewhere, {}, 'bench/results/baseline.json');
    } catch (err) {
      expect((err as EnvironmentMismatchError).code).toBe('PERF_BENCH_ENV_MISMATCH');
      expect((err as Error).message).toContain('node 20.20.2 → 24.21.0');
      expect((err as Error).message).toContain('cpu AMD EPYC → Intel Xeon');
      expect((err as Error).message).toContain('pnpm bench:baseline');
    }
  });

  it('compares runs of different commits on the same machine', () => {
    const later = syntheticRun([cachePackage(30)], { seed: 2, env: { commit: 'f'.repeat(40), dirty: true } });
    expect(ours(compareRuns(baseline, later)).verdict).toBe('unchanged');
  });

  it('reports a benchmark missing from the new run (exit 2) and a new one (no baseline yet)', () => {
    const current = syntheticRun(
      [{ name: '@perf/cache', comparisons: [{ name: 'set', cases: [{ name: 'ours', role: 'ours', median: 50 }] }] }],
      { seed: 2 },
    );
    const r = compareRuns(baseline, current);
    const missing = r.rows.filter((x) => x.verdict === 'missing').map((x) => x.case.label);
    expect(missing).toEqual([
      '@perf/cache › get hit › ours',
      '@perf/cache › get hit › lru-cache',
      '@perf/cache › get hit › Map',
    ]);
    expect(r.rows.find((x) => x.verdict === 'new')!.case.label).toBe('@perf/cache › set › ours');
    expect(summarize(r)).toMatchObject({ missing: 3, exitCode: 2 });
    expect(formatCompare(r)).toContain('MISSING in this run');
    expect(formatCompare(r)).toContain('not in the baseline');
  });

  it('leaves out packages the new run did not measure (a --filter run)', () => {
    const both = syntheticRun([cachePackage(30), { ...cachePackage(30), name: '@perf/metrics' }], { seed: 1 });
    const r = compareRuns(both, syntheticRun([cachePackage(30)], { seed: 2 }));
    expect(r.rows.every((x) => x.case.package === '@perf/cache' && x.verdict !== 'missing')).toBe(true);
  });

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['a truncated file', JSON.stringify(baseline).slice(0, 500), 'it is not valid JSON, probably truncated'],
    ['another schema', JSON.stringify({ ...baseline, schema: 2 }), 'schema is 2, this version reads schema 1'],
    [
      'a case without samples',
      JSON.stringify(baseline).replace('"samples":[', '"samples_":['),
      'packages[0].suites[0].comparisons[0].cases[0].stats.samples is missing',
    ],
    [
      'a string where a number belongs',
      JSON.stringify(baseline).replace('"cores":2', '"cores":"two"'),
      'env.cores is missing or not a finite number',
    ],
  ])('rejects %s with a message naming the file and the problem', (_, text, reason) => {
    expect(() => parseRun(text, 'bench/results/x.json')).toThrow(CorruptResultsError);
    expect(() => parseRun(text, 'bench/results/x.json')).toThrow(
      `bench/results/x.json is not a usable results file: ${reason}`,
    );
  });

  it('reads back what it validated', () => {
    const dir = tempDir();
    const path = writeJson(dir, 'run.json', baseline);
    expect(readRun(path)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(() => readRun(join(dir, 'nope.json'))).toThrow('it cannot be read');
  });
});

describe('bench:compare command line', () => {
  const cli = join(import.meta.dirname, '..', 'src', 'cli.ts');
  const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  const run = (dir: string, ...args: string[]) =>
    spawnSync(tsx, [cli, 'compare', '--results', dir, ...args], { encoding: 'utf8', timeout: 20_000 });

  it('exits 1 on a regression, 2 on a corrupt file or another environment, 0 on noise', () => {
    const dir = tempDir();
    writeJson(dir, 'baseline.json', baseline);
    const slow = writeJson(dir, 'slow.json', syntheticRun([cachePackage(60)], { seed: 2 }));
    const same = writeJson(dir, 'same.json', syntheticRun([cachePackage(30)], { seed: 2 }));
    const cut = writeJson(dir, 'cut.json', JSON.stringify(baseline).slice(0, 300));
    const other = writeJson(dir, 'other.json', syntheticRun([cachePackage(30)], { seed: 2, env: { cores: 64 } }));

    const regression = run(dir, '--current', slow, '--no-rerun');
    expect(regression.stdout).toContain('REGRESSION (not re-run)');
    expect(regression.status).toBe(1);

    const corrupt = run(dir, '--current', cut);
    expect(corrupt.stderr).toContain('cut.json is not a usable results file: it is not valid JSON');
    expect(corrupt.stderr).toContain('PERF_BENCH_CORRUPT_RESULTS');
    expect(corrupt.status).toBe(2);

    const mismatch = run(dir, '--current', other);
    expect(mismatch.stderr).toContain('refusing to compare');
    expect(mismatch.stderr).toContain('cores 2 → 64');
    expect(mismatch.status).toBe(2);

    const fine = run(dir, '--current', same);
    expect(fine.stdout).toContain('compare: 0 confirmed regressions');
    expect(fine.status).toBe(0);
  });

  it('refuses an option value that cannot work', () => {
    const dir = tempDir();
    writeJson(dir, 'baseline.json', baseline);
    const r = run(dir, '--latest', '--alpha', '2');
    expect(r.stderr).toContain(
      'invalid --alpha: expected a number above 0 and below 1, got "2" [PERF_BENCH_INVALID_OPTION]',
    );
    expect(r.status).toBe(2);
  });

  it('says how to record a baseline when there is none', () => {
    const r = run(tempDir(), '--latest');
    expect(r.stderr).toContain('no baseline at');
    expect(r.stderr).toContain('pnpm bench:baseline');
    expect(r.status).toBe(2);
  });
});
