// Headless Chromium for the page test: Debian's /usr/bin/chromium, installed
// with apt-get when missing and this runs as root (as `npm test` does for the
// dashboard); otherwise the test skips with a one-line reason, and fails
// instead under PERF_REQUIRE_SERVICES=1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

function tryInstall(): void {
  const apt =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!apt) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env }); // a fresh machine has no package lists yet
    install();
  }
}

/** `false` when Chromium can run; otherwise why not. */
export function chromiumSkip(): false | string {
  if (!existsSync(CHROMIUM)) tryInstall();
  if (existsSync(CHROMIUM)) return false;
  const reason = `Chromium not found at ${CHROMIUM} and it cannot be installed here (needs root and apt-get): apt-get install -y chromium`;
  if (process.env.PERF_REQUIRE_SERVICES === '1') throw new Error(`PERF_REQUIRE_SERVICES=1 but ${reason}`);
  console.warn(`skipped: ${reason}`);
  return reason;
}

/** Headless Chromium with the flags this machine needs and a fresh profile. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'scheduler-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
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
