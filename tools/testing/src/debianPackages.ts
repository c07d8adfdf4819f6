// Debian packages the tests and benches need (Chromium, nginx + fcgiwrap,
// Caffeine), installed with apt-get when they are missing and this process
// can (root on Linux with apt-get), as `npm test` does before the tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Makes sure every file in `needed` exists, installing `packages` with apt-get
 * when one is missing and this process can; true when they all exist then.
 * `log` hears one line before an install starts.
 */
export function ensureDebianPackages(
  needed: readonly string[],
  packages: readonly string[],
  log: (line: string) => void = console.log,
): boolean {
  const present = () => needed.every((path) => existsSync(path));
  if (present()) return true;
  const canInstall =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!canInstall) return false;
  log(`installing Debian's ${packages.join(' and ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', ...packages], { stdio: 'ignore', env }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env }); // a fresh machine has no package lists yet
    install();
  }
  return present();
}
