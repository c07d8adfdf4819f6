// The coordinator goes away under a running scheduler: a private
// redis-server (never the shared one) killed and restarted with its data
// (append-only file). While it is down no tick runs (a tick run unclaimed
// could run twice) and each is counted as an error; once it is back, ticks
// run again, and no tick ran twice.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, redis } from '@perf/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Running, startScheduler } from './helpers.js';
import { metric } from './process.js';

const rd = await redis(); // the tests need redis-server installed, as the shared one shows

describe.skipIf(rd.skip)('Redis down under a running scheduler (a private redis-server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scheduler-private-redis-'));
  let port = 0;
  let server: ChildProcess | undefined;
  let s: Running | undefined;
  const startRedis = async () => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
      ],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((r) => setTimeout(r, 300));
  };
  const killRedis = async () => {
    const child = server;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  afterAll(async () => {
    await s?.stop();
    await killRedis();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ticks are not run (and are counted) while Redis is down, and run again once it is back', async () => {
    port = await closedPort();
    await startRedis();
    s = await startScheduler('[job-local "tick"]\nschedule = @every 100ms\ncommand = true\n', {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_PREFIX: 'outage',
    });
    const list = async () =>
      ((await s?.get('/api/jobs/tick/runs?limit=500'))?.body.runs ?? []) as { scheduledAt: string; fence: number }[];
    const runs = async () => (await list()).length;
    const errors = async () =>
      metric(await (await fetch(`${s?.base}/metrics`)).text(), 'scheduler_ticks_total{job="tick",outcome="error"}');
    await expect.poll(runs, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(5);

    await killRedis();
    await expect.poll(errors, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(3);
    const during = await runs();
    await new Promise((r) => setTimeout(r, 500));
    expect(await runs()).toBe(during); // nothing ran unclaimed

    await startRedis();
    await expect.poll(runs, { timeout: 15_000, interval: 100 }).toBeGreaterThan(during + 3);
    const all = await list();
    expect(new Set(all.map((r) => r.scheduledAt)).size).toBe(all.length);
    expect(new Set(all.map((r) => r.fence)).size).toBe(all.length);
  }, 60_000);
});
