// Memory per idle key: 100,000 keys each consumed once, then the heap growth
// per key after a full GC (run with --expose-gc: `pnpm --filter @perf/rate-limit memory`).
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { type AlgorithmName, RateLimiter } from '../src/index.js';

const KEYS = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const keys = Array.from({ length: KEYS }, (_, i) => `user:${i}`); // the key strings are shared, not counted

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

async function measure(name: string, fill: () => unknown): Promise<void> {
  const before = heap();
  const held = await fill();
  const after = heap();
  console.log(`${name.padEnd(40)} ${((after - before) / KEYS).toFixed(0).padStart(5)} bytes/key`);
  void held;
}

console.log(`Node ${process.versions.node}, ${KEYS.toLocaleString('en')} idle keys`);
for (const algorithm of ['gcra', 'token-bucket', 'fixed-window', 'sliding-window'] as AlgorithmName[]) {
  await measure(`ours, ${algorithm}`, () => {
    const l = new RateLimiter({ algorithm, limit: 10, windowMs: 60_000 });
    for (const k of keys) l.consume(k);
    return l;
  });
}
await measure('rate-limiter-flexible RateLimiterMemory', async () => {
  const l = new RateLimiterMemory({ points: 10, duration: 60 });
  for (const k of keys) await l.consume(k);
  return l;
});
// rate-limiter-flexible keeps one (unref'd) timer per key until its window ends.
process.exit(0);
