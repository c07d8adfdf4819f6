import { defineConfig } from 'tsup';

/**
 * The build every package shares: ESM + CJS with .d.ts/.d.cts and sourcemaps,
 * for Node 20 and later. `entry` has one file per subpath export.
 */
export function packageBuild(entry: string[]) {
  return defineConfig({ entry, format: ['esm', 'cjs'], dts: true, sourcemap: true, clean: true, target: 'node20' });
}
