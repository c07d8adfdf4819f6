// The dashboard as a reader sees it: built from synthetic results, opened from
// file:// in headless Chromium, and checked against the JSON it was built from
// (data.json beside the page), by the labels and by where the marks are drawn.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumSkip, launchChromium } from '@perf/testing/chromium';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report.js';
import type { RunResult } from '../src/results.js';
import { formatNs } from '../src/table.js';
import { dashboardFixture, tempDir } from './fixtures.js';

const skip = chromiumSkip();
// Under bench/report/ (gitignored), so the screenshot can be looked at after a run.
const out = join(import.meta.dirname, '..', 'report', 'test');

describe.skipIf(skip)('dashboard in headless Chromium', () => {
  let browser: BrowserContext;
  let page: Page;
  let run: RunResult;

  beforeAll(async () => {
    const dir = tempDir();
    dashboardFixture(dir);
    const { index } = buildReport({ resultsDir: dir, outDir: out, baseline: join(dir, 'baseline.json') });
    run = JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')) as RunResult;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(pathToFileURL(index).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  const comparisons = () =>
    run.packages.flatMap((p) => p.suites.flatMap((s) => s.comparisons.map((c) => ({ package: p.package, c }))));

  it('shows every ours/peer ratio of the JSON in the headline table, with its goal verdict', async () => {
    let checked = 0;
    for (const { package: pkg, c } of comparisons()) {
      const ours = c.cases.find((x) => x.role === 'ours')!;
      for (const peer of c.cases.filter((x) => x.role !== 'ours')) {
        const ratio = ours.stats.p50 / peer.stats.p50;
        const row = page.locator(
          `tr.headline-row[data-package="${pkg}"][data-comparison="${c.name}"][data-against="${peer.name}"]`,
        );
        await expect(row.locator('td.ratio').textContent()).resolves.toContain(`${ratio.toPrecision(3)}×`);
        const goal = c.goals.find((g) => g.peer === peer.name);
        const verdict = await row.locator('td').last().textContent();
        expect(verdict).toContain(goal ? (ratio <= goal.atMost ? 'met' : 'not met') : 'no goal');
        if (goal && ratio > goal.atMost) expect(verdict).toContain('not met');
        checked++;
      }
    }
    expect(checked).toBe(4);
    await expect(page.locator('#goals-card b').textContent()).resolves.toBe('1 / 3');
  });

  it('draws each ratio on the correct side of parity and of its goal, labelled with the number', async () => {
    const rows = page.locator('svg.ratio-chart g.ratio-row');
    expect(await rows.count()).toBe(4);
    for (const row of await rows.all()) {
      const ratio = Number(await row.getAttribute('data-ratio'));
      const chart = row.locator('xpath=ancestor::*[name()="svg"]');
      const parity = (await chart.locator('line.parity').boundingBox())!;
      const dot = (await row.locator('circle.ratio-dot').boundingBox())!;
      expect(dot.width).toBeGreaterThan(0);
      expect(dot.x + dot.width / 2 < parity.x).toBe(ratio < 1);
      await expect(row.locator('text.ratio-label').textContent()).resolves.toMatch(
        new RegExp(`^${ratio.toPrecision(3)}×`),
      );
      const goalAttr = await row.getAttribute('data-goal');
      if (goalAttr !== null) {
        const goal = (await row.locator('line.goal').boundingBox())!;
        expect(dot.x + dot.width / 2 <= goal.x + goal.width / 2).toBe(ratio <= Number(goalAttr));
      }
    }
  });

  it('draws each distribution from the JSON: median label, median inside its box, medians in order', async () => {
    for (const { package: pkg, c } of comparisons()) {
      const plot = page.locator(
        `section.package[data-package="${pkg}"] div.comparison[data-comparison="${c.name}"] svg.box-plot`,
      );
      const xs: { median: number; x: number }[] = [];
      for (const k of c.cases) {
        const row = plot.locator(`g.box-row[data-case="${k.name}"]`);
        await expect(row.locator('text.box-label').textContent()).resolves.toContain(`median ${formatNs(k.stats.p50)}`);
        const box = (await row.locator('rect.box').boundingBox())!;
        const line = (await row.locator('line.box-median').boundingBox())!;
        const mid = line.x + line.width / 2;
        expect(mid).toBeGreaterThanOrEqual(box.x - 0.5);
        expect(mid).toBeLessThanOrEqual(box.x + box.width + 0.5);
        xs.push({ median: k.stats.p50, x: mid });
      }
      const byValue = [...xs].sort((a, b) => a.median - b.median).map((v) => v.x);
      expect(byValue).toEqual([...byValue].sort((a, b) => a - b));
    }
  });

  it('shows the history as trend lines with the change point where the cache got 2× slower', async () => {
    const cache = page.locator('section.package[data-package="@perf/cache"] svg.trend-chart');
    const ours = cache.locator('g.trend-series[data-case="ours"]');
    expect(await ours.locator('circle.trend-point').count()).toBe(6); // the truncated 7th file is left out
    expect(
      await ours.locator('circle.change-point').evaluateAll((els) => els.map((e) => e.getAttribute('data-run'))),
    ).toEqual(['4']);
    expect(await cache.locator('g.trend-series:not([data-case="ours"]) circle.change-point').count()).toBe(0);
    const last = ours.locator('circle.trend-point').last();
    expect(Number(await last.getAttribute('data-median'))).toBe(
      run.packages[0]!.suites[0]!.comparisons[0]!.cases[0]!.stats.p50,
    );
    await expect(page.locator('#notices').textContent()).resolves.toContain(
      '2026-11-19T10-00-00-000Z.json is not a usable results file',
    );
  });

  it('saves a screenshot', async () => {
    const path = join(out, 'dashboard.png');
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(20_000);
  });
});
