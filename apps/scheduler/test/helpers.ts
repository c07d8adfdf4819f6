// A scheduler on loopback for one test: a fresh data folder holding the jobs
// file the test gives, the embedded database (or the servers the env names),
// port 0, no Docker daemon unless the test points DOCKER_HOST at one.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../src/config.js';
import { type AppOptions, createSchedulerApp, type SchedulerApp } from '../src/server.js';
import { freshDataDir } from './dataDir.js';

export interface Running {
  readonly server: SchedulerApp;
  readonly base: string;
  readonly dataDir: string;
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  post(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Polls a job's runs until `done` holds for them. */
  runsOf(job: string): Promise<Record<string, unknown>[]>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startScheduler(
  ini: string,
  env: Record<string, string> = {},
  options: AppOptions & { dataDir?: string } = {},
): Promise<Running> {
  const dataDir = options.dataDir ?? (await freshDataDir());
  const configFile = join(dataDir, 'jobs.ini');
  writeFileSync(configFile, ini);
  const config = readConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    CONFIG_FILE: configFile,
    LOG_LEVEL: 'silent',
    DOCKER_HOST: `unix://${join(dataDir, 'no-docker.sock')}`,
    DRAIN_MS: '2000',
    ...env,
  });
  const server = await createSchedulerApp(config, { logger: false, ...options });
  const base = await server.listen();
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    server,
    base,
    dataDir,
    get,
    async post(path, headers = { 'content-type': 'application/json' }) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body: headers['content-type'] ? '{}' : 'x',
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async runsOf(job) {
      return (await get(`/api/jobs/${encodeURIComponent(job)}/runs`)).body.runs as Record<string, unknown>[];
    },
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
