// Exactness across processes, ours and rate-limiter-flexible side by side:
// 4 processes × 5,000 concurrent calls on one key, limit 1,000 per window,
// against the Redis at REDIS_URL. Prints allowed calls, round trips and time.
//   pnpm --filter @perf/rate-limit exactness
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AlgorithmName } from '../src/index.js';
import { RedisRateLimiter } from '../src/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = 4;
const CALLS = 5000;
const LIMIT = 1000;
const WINDOW_MS = 86_400_000;

interface Job {
  readonly who: 'ours' | 'rate-limiter-flexible';
  readonly prefix: string;
  readonly algorithm?: AlgorithmName;
  readonly lease?: { tokens: number; ttlMs: number };
}
interface Result {
  readonly allowed: number;
  readonly roundTrips: number;
}

async function child(job: Job): Promise<void> {
  let consume: () => Promise<boolean>;
  let roundTrips: () => number;
  if (job.who === 'ours') {
    const l = new RedisRateLimiter({
      redis: url,
      prefix: job.prefix,
      algorithm: job.algorithm ?? 'fixed-window',
      limit: LIMIT,
      windowMs: WINDOW_MS,
      onRedisDown: 'fail-closed',
      timeoutMs: 10_000,
      ...(job.lease ? { lease: job.lease } : {}),
    });
    await l.consume('warm-up');
    const base = l.stats().roundTrips;
    consume = () => l.consume('one-key').then((d) => d.allowed);
    roundTrips = () => l.stats().roundTrips - base;
  } else {
    const client = new Redis(url, { enableOfflineQueue: false });
    await new Promise((resolve) => client.once('ready', resolve));
    const l = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: job.prefix,
      points: LIMIT,
      duration: WINDOW_MS / 1000,
    });
    await l.consume('warm-up');
    consume = () =>
      l.consume('one-key').then(
        () => true,
        (res: unknown) => {
          if (res instanceof Error) throw res;
          return false;
        },
      );
    roundTrips = () => CALLS; // one script call per consume
  }
  process.send!('ready');
  process.once('message', async () => {
    const decisions = await Promise.all(Array.from({ length: CALLS }, consume));
    const result: Result = { allowed: decisions.filter(Boolean).length, roundTrips: roundTrips() };
    process.send!(result, () => process.exit(0));
  });
}

async function fleet(job: Job): Promise<{ allowed: number; roundTrips: number; ms: number }> {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: PROCESSES }, () =>
    fork(self, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PERF_RL_JOB: JSON.stringify(job) } }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
  const results = children.map((c) => new Promise<Result>((resolve) => c.once('message', resolve)));
  const start = performance.now();
  for (const c of children) c.send('go');
  const all = await Promise.all(results);
  const ms = performance.now() - start;
  return {
    allowed: all.reduce((s, r) => s + r.allowed, 0),
    roundTrips: all.reduce((s, r) => s + r.roundTrips, 0),
    ms,
  };
}

if (process.env.PERF_RL_JOB) {
  await child(JSON.parse(process.env.PERF_RL_JOB) as Job);
} else {
  const run = `perf-rl-exactness-${randomBytes(4).toString('hex')}`;
  const rows: [string, Job][] = [
    ['ours, fixed-window', { who: 'ours', prefix: `${run}:fw`, algorithm: 'fixed-window' }],
    ['ours, token-bucket', { who: 'ours', prefix: `${run}:tb`, algorithm: 'token-bucket' }],
    ['ours, gcra', { who: 'ours', prefix: `${run}:gcra`, algorithm: 'gcra' }],
    ['ours, sliding-window', { who: 'ours', prefix: `${run}:sw`, algorithm: 'sliding-window' }],
    [
      'ours, fixed-window, leases of 50',
      { who: 'ours', prefix: `${run}:lease`, algorithm: 'fixed-window', lease: { tokens: 50, ttlMs: 1000 } },
    ],
    ['rate-limiter-flexible RateLimiterRedis', { who: 'rate-limiter-flexible', prefix: `${run}:peer` }],
  ];
  console.log(
    `Node ${process.versions.node}; ${PROCESSES} processes × ${CALLS.toLocaleString('en')} concurrent calls on one key, limit ${LIMIT.toLocaleString('en')}\n`,
  );
  console.log('| limiter | allowed | round trips | time |\n|---|---:|---:|---:|');
  for (const [name, job] of rows) {
    const r = await fleet(job);
    console.log(`| ${name} | ${r.allowed} | ${r.roundTrips.toLocaleString('en')} | ${r.ms.toFixed(0)} ms |`);
  }
  const cleaner = new Redis(url);
  const keys = await cleaner.keys(`${run}*`);
  if (keys.length > 0) await cleaner.del(...keys);
  cleaner.disconnect();
}
