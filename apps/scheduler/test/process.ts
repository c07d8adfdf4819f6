// The built scheduler (dist/main.js) as a child process, for what only real
// processes show: several instances coordinating, signals, kill -9.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@perf/testing';

const main = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');

export interface SchedulerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

export async function spawnScheduler(env: Record<string, string>): Promise<SchedulerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const started = Date.now();
  while (!out.includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`the scheduler exited before listening:\n${out}`);
    if (Date.now() - started > 60_000) throw new Error(`the scheduler did not listen within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The value of a counter series in a Prometheus scrape (0 when absent). */
export function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
