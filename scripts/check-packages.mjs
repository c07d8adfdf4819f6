// Runs publint and @arethetypeswrong/cli on every publishable package (built
// first by the test command), so a package whose exports, types or files are
// broken for some consumer (ESM, CJS, node10/node16/bundler resolution) can
// never land.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'packages');
let failed = 0;
for (const entry of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, entry);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).private) continue;
  for (const [cmd, args] of [
    ['publint', ['--strict', '--level', 'suggestion']],
    ['attw', ['--pack', '.', '--format', 'ascii', '--profile', 'node16']],
  ]) {
    const r = spawnSync(cmd, args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    if (r.status !== 0) {
      failed++;
      console.error(`check-packages: ${cmd} failed for packages/${entry}:\n${r.stdout}${r.stderr}`);
    }
  }
}
if (failed > 0) process.exit(1);
console.log('check-packages: publint and attw passed for every publishable package');
