// How long a miss waits while Redis stalls: a private redis-server is paused
// with SIGSTOP and a cache with `lock` loads distinct keys one after another.
// Prints the per-miss latency (p50, p99, max) and the failed second-level calls per miss.
// Run: pnpm --filter @perf/cache redis-stall   (needs `redis-server` on PATH)
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { closedPort } from '@perf/testing';
import { Redis } from 'ioredis';
import { Cache } from '../src/index.js';
import { RedisTier } from '../src/redis.js';

const MISSES = 40;
const TIMEOUT = 100;

const port = await closedPort();
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  {
    stdio: 'ignore',
  },
);
const url = `redis://127.0.0.1:${port}`;
try {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  probe.on('error', () => {});
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();

  const tier = new RedisTier({ url, namespace: 'stall-bench' });
  const cache = new Cache<string>({
    max: 1_000,
    ttl: 60_000,
    secondLevel: tier,
    secondLevelTimeoutMs: TIMEOUT,
    lock: { ttlMs: 5_000 },
  });
  await tier.ready();
  server.kill('SIGSTOP');
  const waits: number[] = [];
  for (let i = 0; i < MISSES; i++) {
    const t0 = performance.now();
    await cache.getOrLoad(`k${i}`, () => 'v');
    waits.push(performance.now() - t0);
  }
  const errorsPerMiss = cache.stats().l2Errors / MISSES;
  server.kill('SIGCONT');
  await cache.close();
  waits.sort((a, b) => a - b);
  const at = (q: number) => waits[Math.min(waits.length - 1, Math.ceil(q * waits.length) - 1)]!.toFixed(0);
  console.log(
    `Node ${process.version}; ${MISSES} misses with lock while redis-server is SIGSTOPped, secondLevelTimeoutMs ${TIMEOUT}`,
  );
  console.log(
    `per-miss wait: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; failed or timed-out second-level calls per miss, background writes included: ${errorsPerMiss.toFixed(2)}`,
  );
} finally {
  server.kill('SIGCONT');
  server.kill('SIGKILL');
}
