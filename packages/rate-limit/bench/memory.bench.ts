// In-memory consume: ours (synchronous) against rate-limiter-flexible's
// RateLimiterMemory (a promise per call), on the same keys and quota.
import { compare, runSuite } from '@perf/bench';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RateLimiter } from '../src/index.js';

const KEYS = Array.from({ length: 1000 }, (_, i) => `user:${i}`);
// A quota nobody exhausts: every call is an allowed decision, as for most real traffic.
const ours = new RateLimiter({ algorithm: 'fixed-window', limit: 1e12, windowMs: 60_000 });
const oursBucket = new RateLimiter({ algorithm: 'token-bucket', limit: 1e12, windowMs: 60_000 });
const peer = new RateLimiterMemory({ points: 1e12, duration: 60 });
// Exhausted quotas: every call is refused (the peer rejects its promise with a RateLimiterRes).
const oursFull = new RateLimiter({ algorithm: 'fixed-window', limit: 1, windowMs: 3_600_000 });
const peerFull = new RateLimiterMemory({ points: 1, duration: 3600 });
for (const k of KEYS) {
  oursFull.consume(k);
  await peerFull.consume(k);
}

let i = 0;
const next = () => KEYS[i++ % KEYS.length]!;

compare(
  'memory consume, allowed (fixed window, 1000 keys)',
  { ours: () => ours.consume(next()), peers: { 'rate-limiter-flexible': () => peer.consume(next()) } },
  {
    goals: [{ peer: 'rate-limiter-flexible', atMost: 0.2 }],
    references: { 'ours, token bucket': () => oursBucket.consume(next()) },
  },
);
// Not the API's cost but JavaScript's: an async wrapper and an await per call, as the peer's promise API
// forces on its callers. Shown for honesty, without a goal (the goal is on the API as it is).
compare('memory consume, allowed, awaited like the peer', {
  ours: async () => ours.consume(next()),
  peers: { 'rate-limiter-flexible': () => peer.consume(next()) },
});
compare(
  'memory consume, refused (fixed window, 1000 keys)',
  {
    ours: () => oursFull.consume(next()),
    peers: { 'rate-limiter-flexible': () => peerFull.consume(next()).catch((res: unknown) => res) },
  },
  { goals: [{ peer: 'rate-limiter-flexible', atMost: 0.2 }] },
);

await runSuite(import.meta.url);
