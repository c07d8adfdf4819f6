import { defineConfig } from 'tsup';

// One entry per subpath export: the core never loads a sink, and a sink never
// loads pg or ioredis (they are passed in by the user).
export default defineConfig({
  entry: ['src/index.ts', 'src/postgres.ts', 'src/redis.ts', 'src/sql.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
