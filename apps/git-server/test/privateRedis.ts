// A redis-server of this test's own on a free loopback port: an auth server
// started with REDIS_URL caches its clients in Redis under fixed key names,
// which other test runs on the shared server also write; and a Redis a test
// may kill and restart.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '@perf/testing';
import { Redis } from 'ioredis';
import { vi } from 'vitest';

/** Why a private redis-server cannot run here, or false. */
export const privateRedisSkip: false | string =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
    ? false
    : 'redis-server is not installed (Debian package redis-server)';

/** A redis-server on `port` (default: a free one), empty; started again on the same port after `stop()`, it is a restart. */
export async function startPrivateRedis(port?: number): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.ping();
      } finally {
        c.disconnect();
      }
    },
    { timeout: 10_000, interval: 50 },
  );
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
