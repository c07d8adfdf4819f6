// The built scheduler (dist/main.js) as a child process, for what only real
// processes show: several instances coordinating, signals, kill -9.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppProcess, spawnApp } from '@perf/testing';

const main = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');

export type SchedulerProcess = AppProcess;

export const spawnScheduler = (env: Record<string, string>): Promise<SchedulerProcess> => spawnApp(main, env);

/** The value of a counter series in a Prometheus scrape (0 when absent). */
export function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
