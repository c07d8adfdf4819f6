// Runs publint and @arethetypeswrong/cli on every publishable package (built
// first by the test command), so a package whose exports, types or files are
// broken for a supported consumer can never land. The packages are ES modules
// only (Node ^20.19 || >=22.12 require() them), so attw checks the esm-only
// profile: node16 ESM and bundler resolution; node10 is not supported.
// tools/consumer then uses the packed tarballs for real (ESM, CJS, TypeScript).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'packages');
const rootLicense = readFileSync(join(packagesDir, '..', 'LICENSE'), 'utf8');
let failed = 0;
for (const entry of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, entry);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).private) continue;
  for (const [cmd, args] of [
    ['publint', ['--strict', '--level', 'suggestion']],
    ['attw', ['--pack', '.', '--format', 'ascii', '--profile', 'esm-only']],
  ]) {
    const r = spawnSync(cmd, args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    if (r.status !== 0) {
      failed++;
      const why = r.error ? `could not run it (${r.error.message})` : `${r.stdout}${r.stderr}`;
      console.error(`check-packages: ${cmd} failed for packages/${entry}:\n${why}`);
    }
  }
  const license = join(dir, 'LICENSE');
  if (!existsSync(license) || readFileSync(license, 'utf8') !== rootLicense) {
    failed++;
    console.error(`check-packages: packages/${entry}/LICENSE is missing or differs from the root LICENSE: copy it`);
  }
}
if (failed > 0) process.exit(1);
console.log('check-packages: publint, attw and the LICENSE passed for every publishable package');
