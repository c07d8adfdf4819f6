import { defineConfig } from 'vitest/config';

// One run from the root over every package, app and the bench tooling.
export default defineConfig({
  test: {
    include: ['{packages,apps,tools}/*/test/**/*.test.ts', '{bench,scripts}/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    typecheck: {
      enabled: true,
      include: ['{packages,apps,tools}/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
