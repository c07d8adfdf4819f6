// Headless Chromium for the browser tests: Debian's /usr/bin/chromium,
// installed when missing and possible. Without it a test skips with a
// one-line reason, and fails instead under PERF_REQUIRE_SERVICES=1 (CI), like
// the PostgreSQL and Redis tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { ensureDebianPackages } from './debianPackages.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** `false` when Chromium can run; otherwise why not (for `describe.skipIf`). */
export function chromiumSkip(): false | string {
  if (ensureDebianPackages([CHROMIUM_PATH], ['chromium'])) return false;
  const reason = `Chromium not found at ${CHROMIUM_PATH} and it cannot be installed here (needs root and apt-get): apt-get install -y chromium`;
  if (process.env.PERF_REQUIRE_SERVICES === '1') throw new Error(`PERF_REQUIRE_SERVICES=1 but ${reason}`);
  console.warn(`skipped: ${reason}`);
  return reason;
}

/** Headless Chromium with the flags this machine needs and a fresh profile. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'perf-chromium-')), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
