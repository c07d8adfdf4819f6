import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('a root script run before install fails fast with one line saying what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-noinstall-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(root, 'scripts/perf.mjs'), join(dir, 'scripts/perf.mjs'));
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    for (const task of ['build', 'typecheck', 'lint', 'bench']) {
      const r = spawnSync(process.execPath, ['scripts/perf.mjs', task], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/not installed: run `npm test`/)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('on Node < 20 every root script fails fast with one line (simulated: process.versions reports 18, since Node 18 itself is not installed here)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perf-oldnode-'));
  try {
    const preload = join(dir, 'old-node.mjs');
    writeFileSync(
      preload,
      "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.19.0' } });\n",
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
        'perf: Node 18.19.0 is too old: install Node 20 or newer and run the command again.',
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
