// A built server (dist/main.js) as a child process, for what only a real
// process shows: what it prints, signals, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@perf/testing';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  output(): string;
}

/** Spawns `<app>/dist/main.js` with `env` and a free PORT; resolves once it prints that it listens. */
export async function spawnMain(appDir: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(appDir, 'dist', 'main.js')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const started = Date.now();
  while (!out.includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`${appDir} exited before listening:\n${out}`);
    if (Date.now() - started > 60_000) throw new Error(`${appDir} did not listen within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, base: `http://127.0.0.1:${port}`, exited, output: () => out };
}

export const appDir = (app: string): string => fileURLToPath(new URL(`../../${app}`, import.meta.url));
