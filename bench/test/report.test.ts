import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptResultsError, NoResultsError } from '../src/errors.js';
import { headline } from '../src/headline.js';
import { trends } from '../src/history.js';
import { buildReport } from '../src/report.js';
import { serveFolder } from '../src/serve.js';
import { cachePackage, dashboardFixture, syntheticRun, tempDir, writeJson } from './fixtures.js';

describe('bench:report', () => {
  it('writes one self-contained folder: index.html with the numbers, data.json with the run', () => {
    const dir = tempDir();
    const { latest } = dashboardFixture(dir);
    const out = join(dir, 'report');
    const report = buildReport({ resultsDir: dir, outDir: out, baseline: join(dir, 'baseline.json') });
    const html = readFileSync(report.index, 'utf8');
    expect(JSON.parse(readFileSync(join(out, 'data.json'), 'utf8'))).toEqual(latest);
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3)/); // nothing to fetch: opens from file://
    expect(html).toContain('0.0870×'); // 21 ns / 241 ns
    expect(html).toContain('class="change-point"');
    expect(html).toContain('suspect regression');
  });

  it('lists a truncated history file as a notice instead of crashing', () => {
    const dir = tempDir();
    dashboardFixture(dir);
    const { notices } = buildReport({ resultsDir: dir, outDir: join(dir, 'report') });
    expect(notices).toEqual([
      expect.stringContaining('2026-11-19T10-00-00-000Z.json is not a usable results file: it is not valid JSON'),
    ]);
  });

  it('says why a baseline from another environment is not shown', () => {
    const dir = tempDir();
    writeJson(dir, '2026-11-23T10-00-00-000Z.json', syntheticRun([cachePackage()]));
    const baseline = writeJson(dir, 'baseline.json', syntheticRun([cachePackage()], { env: { node: '24.21.0' } }));
    const { notices } = buildReport({ resultsDir: dir, outDir: join(dir, 'report'), baseline });
    expect(notices).toEqual([
      expect.stringMatching(/^Baseline not shown: refusing to compare.*node 24\.21\.0 → 20\.20\.2/),
    ]);
  });

  it('leaves runs of other environments out of the history, and says so', () => {
    const dir = tempDir();
    writeJson(dir, '2026-11-22T10-00-00-000Z.json', syntheticRun([cachePackage()], { env: { cores: 64 } }));
    writeJson(dir, '2026-11-23T10-00-00-000Z.json', syntheticRun([cachePackage()]));
    expect(buildReport({ resultsDir: dir, outDir: join(dir, 'report') }).notices).toEqual([
      '1 past run(s) from another environment are left out of the history.',
    ]);
  });

  it('refuses a corrupt run to show, and an empty results folder, with a message each', () => {
    const dir = tempDir();
    expect(() => buildReport({ resultsDir: dir, outDir: join(dir, 'r') })).toThrow(NoResultsError);
    expect(() => buildReport({ resultsDir: dir, outDir: join(dir, 'r') })).toThrow('run `pnpm bench` first');
    writeJson(dir, '2026-11-23T10-00-00-000Z.json', '');
    expect(() => buildReport({ resultsDir: dir, outDir: join(dir, 'r') })).toThrow(CorruptResultsError);
  });

  it('serves the folder over HTTP on loopback, and nothing outside it', async () => {
    const dir = tempDir();
    writeJson(dir, 'index.html', '<h1>dash</h1>');
    await using served = await serveFolder(dir);
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<h1>dash</h1>');
    expect((await fetch(new URL('/%2e%2e/%2e%2e/etc/passwd', served.url))).status).toBe(404);
    expect((await fetch(new URL('/missing.json', served.url))).status).toBe(404);
    rmSync(dir, { recursive: true });
  });
});

describe('headline and history', () => {
  it('says whether each goal is met, and when the interval straddles it', () => {
    const run = syntheticRun([
      {
        name: '@perf/x',
        comparisons: [
          {
            name: 'clear',
            goals: [{ peer: 'p', atMost: 0.5 }],
            cases: [
              { name: 'ours', role: 'ours', median: 10 },
              { name: 'p', role: 'peer', median: 40 },
            ],
          },
          {
            name: 'missed',
            goals: [{ peer: 'p', atMost: 0.5 }],
            cases: [
              { name: 'ours', role: 'ours', median: 30 },
              { name: 'p', role: 'peer', median: 40 },
            ],
          },
          {
            name: 'close',
            goals: [{ peer: 'p', atMost: 0.5 }],
            cases: [
              { name: 'ours', role: 'ours', median: 20, sigma: 0.5 },
              { name: 'p', role: 'peer', median: 40, sigma: 0.5 },
            ],
          },
        ],
      },
    ]);
    const rows = headline(run);
    expect(rows.map((r) => [r.comparison, r.status, r.uncertain])).toEqual([
      ['clear', 'met', false],
      ['missed', 'not met', false],
      ['close', rows[2]!.ratio.estimate <= 0.5 ? 'met' : 'not met', true],
    ]);
    for (const r of rows) expect(r.ratio.estimate).toBe(r.oursMedian / r.againstMedian);
  });

  it('marks a change point where a case moves significantly and by more than 10%, and only there', () => {
    const runs = [30, 30.3, 29.8, 60, 60.5].map((m, i) => syntheticRun([cachePackage(m)], { seed: i + 1 }));
    const { trends: t } = trends(runs);
    const ours = t[0]!.series.find((s) => s.name === 'ours')!;
    expect(ours.points.filter((p) => p.changePoint).map((p) => p.run)).toEqual([3]);
    expect(t[0]!.series.filter((s) => s.name !== 'ours').every((s) => s.points.every((p) => !p.changePoint))).toBe(
      true,
    );
  });
});
