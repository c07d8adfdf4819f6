// Whether the browser test can run: Debian's Chromium at /usr/bin/chromium
// (`npm test` installs it when it can). Missing: the test skips with a one-line reason, unless
// PERF_REQUIRE_SERVICES=1 (CI), where it fails, like the PostgreSQL/Redis tests.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export function chromiumSkip(): false | string {
  if (existsSync(chromiumPath)) return false;
  const reason = `Chromium not found at ${chromiumPath}; \`npm test\` installs it when run as root, or: apt-get install -y chromium`;
  if (process.env.PERF_REQUIRE_SERVICES === '1') throw new Error(`PERF_REQUIRE_SERVICES=1 but ${reason}`);
  console.warn(`skipped: ${reason}`);
  return reason;
}

/** Headless Chromium with the flags this machine needs and a fresh profile. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'perf-chromium-')), {
    executablePath: chromiumPath,
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
