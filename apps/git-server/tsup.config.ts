import { defineConfig } from 'tsup';

// The server is run, not imported: one ESM bundle, with @perf/app-kit
// (workspace TypeScript source) bundled in and every npm dependency, the @perf
// packages included, loaded from node_modules through its published entry point.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: ['@perf/app-kit'],
});
