import { defineConfig } from 'tsup';

// The server is run, not imported: ESM bundles, with @perf/app-kit
// (workspace TypeScript source) bundled in and every npm dependency, the @perf
// packages included, loaded from node_modules through its published entry point.
export default defineConfig({
  // The git launcher is a process of its own (dist/launcher.js), forked by the server.
  entry: { main: 'src/main.ts', launcher: 'src/git/launcher.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: ['@perf/app-kit'],
});
