// The web page in headless Chromium: the jobs with their next runs and the
// problems of the jobs file; "Run now" from the page and the history row
// appearing; pause and resume from the page.

import { chromiumSkip, launchChromium } from '@perf/testing/chromium';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startScheduler } from './helpers.js';

const skip = chromiumSkip();

describe.skipIf(skip)('the page in headless Chromium', () => {
  let s: Running;
  let browser: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    s = await startScheduler(`
[global]
timezone = UTC

[job-local "greet"]
schedule = @triggered
command = "sh -c 'echo hello from the page; echo $MARKUP'"
environment = MARKUP=<b>not html</b>

[job-local "nightly"]
schedule = 0 3 * * *
command = true

[job-local "typo"]
schedule = 0 0 31 2 *
command = true
`);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${s.base}/?job=greet`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('lists the jobs with their schedule and next run, and the problems of the file', async () => {
    const rows = page.locator('#jobs tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const nightly = page.locator('#jobs tr[data-job="nightly"]');
    expect(await nightly.locator('code').textContent()).toBe('0 3 * * *');
    const next = await nightly.locator('td.next').textContent();
    const expected = await s.get('/api/jobs');
    const iso = (expected.body.jobs as { name: string; nextRun: string }[]).find((j) => j.name === 'nightly')?.nextRun;
    expect(next).toBe(await page.evaluate((d) => new Date(d).toLocaleString(), iso as string));
    expect(await page.locator('#problems li').allTextContents()).toEqual([
      'jobs.ini:15: [job-local "typo"] schedule: "0 0 31 2 *" never fires: no date matches it (a day that does not exist in that month, such as 31 2)',
    ]);
  });

  it('"Run now" runs the job and its history row appears with the output (as text, not HTML)', async () => {
    expect(await page.locator('#history tbody tr').count()).toBe(0);
    await page.locator('#jobs tr[data-job="greet"] button.run-now').click();
    const row = page.locator('#history tbody tr').first();
    await expect
      .poll(() => row.locator('td.status').textContent(), { timeout: 10_000, interval: 100 })
      .toBe('succeeded');
    expect(await row.locator('td').nth(1).textContent()).toBe('manual');
    await row.locator('summary').click();
    expect(await row.locator('pre').textContent()).toBe('hello from the page\n<b>not html</b>\n');
    expect(await row.locator('pre b').count()).toBe(0);
    const runs = await s.runsOf('greet');
    expect(await row.getAttribute('data-run')).toBe(runs[0]?.id);
  });

  it('pause and resume from the page', async () => {
    const nightly = page.locator('#jobs tr[data-job="nightly"]');
    await nightly.locator('button.pause').click();
    await expect.poll(() => nightly.locator('td.next').textContent(), { timeout: 10_000 }).toBe('paused');
    expect(((await s.get('/api/jobs/nightly')).body as { paused: boolean }).paused).toBe(true);
    await nightly.locator('button.resume').click();
    await expect.poll(() => nightly.locator('td.next').textContent(), { timeout: 10_000 }).not.toBe('paused');
  });
});
