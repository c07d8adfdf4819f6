import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('a root script run before install fails fast with one line saying what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-noinstall-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    for (const f of readdirSync(join(root, 'scripts')).filter((n) => n.endsWith('.mjs'))) {
      copyFileSync(join(root, 'scripts', f), join(dir, 'scripts', f));
    }
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    for (const task of ['build', 'typecheck', 'lint', 'bench:report']) {
      const r = spawnSync(process.execPath, ['scripts/perf.mjs', task], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/not installed: run `npm test`/)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it.each(['18.19.0', '20.18.3', '22.11.0'])(
  'on Node %s (below ^20.19 || >=22.12) every root script fails fast with one line (simulated: process.versions reports it, since that Node is not installed here)',
  (version) => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-oldnode-'));
    try {
      const preload = join(dir, 'old-node.mjs');
      writeFileSync(
        preload,
        `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });\n`,
      );
      for (const task of ['test', 'start', 'build']) {
        const r = spawnSync(
          process.execPath,
          ['--import', pathToFileURL(preload).href, join(root, 'scripts/perf.mjs'), task],
          {
            encoding: 'utf8',
          },
        );
        expect(r.status).toBe(1);
        expect(r.stderr.trim().split('\n')).toEqual([
          `perf: Node ${version} is too old: install Node 20.19+, 22.12+ or newer and run the command again.`,
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
