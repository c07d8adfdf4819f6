import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
