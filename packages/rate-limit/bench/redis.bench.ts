// Redis decisions: ours (one script call per tick's batch of decisions)
// against rate-limiter-flexible's RateLimiterRedis (one Lua script per
// decision: SET NX EX, INCRBY, PTTL) on the same Redis, keys and concurrency. Both are exact (atomic on the
// server); `pnpm --filter @perf/rate-limit exactness` shows it on one key.
import { randomBytes } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { RedisRateLimiter } from '../src/redis.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `perf-rl-bench-${randomBytes(4).toString('hex')}`;
const KEYS = Array.from({ length: 100 }, (_, i) => `user:${i}`);
const HOT = KEYS.slice(0, 10);
const CONCURRENCY = 1000;
// Nobody runs out: every decision is an allowed one, the common case. Every
// decision must come from Redis: a generous timeout, and fail-closed so a
// policy decision could not pass for a fast one (checked at the end).
const quota = {
  algorithm: 'fixed-window' as const,
  limit: 1e12,
  windowMs: 3_600_000,
  timeoutMs: 30_000,
  onRedisDown: 'fail-closed' as const,
};

const ours = new RedisRateLimiter({ redis: url, prefix: `${run}:ours`, ...quota });
const leased = new RedisRateLimiter({
  redis: url,
  prefix: `${run}:leased`,
  ...quota,
  lease: { tokens: 100, ttlMs: 1000 },
});
// The peer with the client its documentation recommends, and with ioredis' auto-pipelining.
const plainClient = new Redis(url, { enableOfflineQueue: false });
const pipelinedClient = new Redis(url, { enableOfflineQueue: false, enableAutoPipelining: true });
const peer = new RateLimiterRedis({ storeClient: plainClient, keyPrefix: `${run}:peer`, points: 1e12, duration: 3600 });
const peerPipelined = new RateLimiterRedis({
  storeClient: pipelinedClient,
  keyPrefix: `${run}:peer-pipelined`,
  points: 1e12,
  duration: 3600,
});
const ready = (c: Redis) => (c.status === 'ready' ? undefined : new Promise((resolve) => c.once('ready', resolve)));
await Promise.all([ready(plainClient), ready(pipelinedClient)]);
await Promise.all([ours.consume('warm'), leased.consume('warm'), peer.consume('warm'), peerPipelined.consume('warm')]);

function burst(keys: readonly string[], consume: (key: string) => Promise<unknown>): () => Promise<unknown> {
  return () => {
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < CONCURRENCY; i++) calls.push(consume(keys[i % keys.length]!));
    return Promise.all(calls);
  };
}

compare(
  `Redis consume, ${CONCURRENCY} concurrent over 100 keys`,
  {
    ours: burst(KEYS, (k) => ours.consume(k)),
    peers: { 'rate-limiter-flexible': burst(KEYS, (k) => peer.consume(k)) },
  },
  {
    goals: [{ peer: 'rate-limiter-flexible', atMost: 1 / 1.5 }],
    references: { 'rate-limiter-flexible, auto-pipelined client': burst(KEYS, (k) => peerPipelined.consume(k)) },
  },
);

compare(
  `Redis consume, ${CONCURRENCY} concurrent over 10 hot keys, leases of 100`,
  {
    ours: burst(HOT, (k) => leased.consume(k)),
    peers: { 'rate-limiter-flexible': burst(HOT, (k) => peer.consume(k)) },
  },
  { references: { 'ours without leases': burst(HOT, (k) => ours.consume(k)) } },
);

let i = 0;
compare('Redis consume, one at a time', {
  ours: () => ours.consume(KEYS[i++ % 100]!),
  peers: { 'rate-limiter-flexible': () => peer.consume(KEYS[i++ % 100]!) },
});

await runSuite(import.meta.url);

for (const [name, l] of [
  ['ours', ours],
  ['leased', leased],
] as const) {
  const stats = l.stats();
  if (stats.failures > 0 || stats.rejected > 0)
    throw new Error(`${name}: a decision did not come from Redis: ${JSON.stringify(stats)}`);
  console.log(`${name}: ${stats.allowed} decisions, ${stats.roundTrips} round trips, ${stats.leased} from leases`);
}
await Promise.all([ours.close(), leased.close()]);
const keys = await plainClient.keys(`${run}:*`);
if (keys.length > 0) await plainClient.del(...keys);
plainClient.disconnect();
pipelinedClient.disconnect();
