// A built app (dist/main.js) as a child process, for what only a real
// process shows: what it prints, signals, exit codes.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppProcess, spawnApp } from '@perf/testing';

/** Spawns `<app>/dist/main.js` with `env` and a free PORT; resolves once it prints that it listens. */
export const spawnMain = (dir: string, env: Record<string, string>): Promise<AppProcess> =>
  spawnApp(join(dir, 'dist', 'main.js'), env);

export const appDir = (app: string): string => fileURLToPath(new URL(`../../${app}`, import.meta.url));
