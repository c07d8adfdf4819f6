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

/**
 * The build every app shares: an app is run, not imported, so one ESM bundle
 * per entry, with @perf/app-kit (workspace TypeScript source) bundled in and
 * every npm dependency, the @perf packages included, loaded from node_modules
 * through its published entry point.
 */
export function appBuild(entry: string[] | Record<string, string>) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    sourcemap: true,
    clean: true,
    noExternal: ['@perf/app-kit'],
  });
}
