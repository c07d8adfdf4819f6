import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveBaseline } from '../src/baseline.js';
import { readRun } from '../src/load.js';
import { cachePackage, syntheticRun, tempDir, writeJson } from './fixtures.js';

const metrics = { ...cachePackage(), name: '@perf/metrics' };

describe('bench:baseline', () => {
  it('saves a full run as the baseline', () => {
    const path = join(tempDir(), 'baseline.json');
    const run = syntheticRun([cachePackage(), metrics]);
    saveBaseline(path, run, false);
    expect(readRun(path)).toEqual(run);
  });

  it('replaces only the measured packages of a same-environment baseline (--filter)', () => {
    const path = join(tempDir(), 'baseline.json');
    saveBaseline(path, syntheticRun([cachePackage(30), metrics], { seed: 1 }), false);
    const cacheAgain = syntheticRun([cachePackage(40)], { seed: 2 });
    const merged = saveBaseline(path, cacheAgain, true);
    expect(merged.packages.map((p) => p.package)).toEqual(['@perf/metrics', '@perf/cache']);
    expect(readRun(path).packages[1]).toEqual(cacheAgain.packages[0]);
  });

  it('starts over instead of merging into a baseline of another environment or a corrupt one', () => {
    const dir = tempDir();
    const path = writeJson(dir, 'baseline.json', syntheticRun([metrics], { env: { node: '24.21.0' } }));
    expect(saveBaseline(path, syntheticRun([cachePackage()]), true).packages.map((p) => p.package)).toEqual([
      '@perf/cache',
    ]);
    writeJson(dir, 'baseline.json', '{"schema":1,');
    expect(saveBaseline(path, syntheticRun([cachePackage()]), true).packages.map((p) => p.package)).toEqual([
      '@perf/cache',
    ]);
  });
});
