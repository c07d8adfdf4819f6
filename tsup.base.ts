import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM only, with .d.ts and sourcemaps, for
 * Node ^20.19 || >=22.12. Those Node versions `require()` an ES module, so a
 * CommonJS caller and an ES caller load the same single copy: one class per
 * error, one default registry (no dual-package hazard), and subpaths share
 * chunks with the main entry. `entry` has one file per subpath export.
 */
export function packageBuild(entry: string[]) {
  return defineConfig({ entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20' });
}
