// Memory over 10,000,000 successful calls through the hot path (no timeout):
// heap after a forced GC, before and after. Printed, never asserted on time.
import { compare, runSuite } from '@perf/bench';
import { CircuitBreaker, ConsecutiveFailures } from '../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
const work = async (): Promise<number> => 1;
const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(10), maxConcurrent: 200 });

async function calls(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await breaker.execute(work);
}

await calls(100_000); // warm up the JIT and the heap
gc?.();
const before = process.memoryUsage().heapUsed;
await calls(10_000_000);
gc?.();
const after = process.memoryUsage().heapUsed;
console.log(
  `memory over 10,000,000 calls: heap ${(before / 1e6).toFixed(2)} MB → ${(after / 1e6).toFixed(2)} MB ` +
    `(${(((after - before) / 10_000_000) * 1000).toFixed(3)} bytes per 1000 calls)${gc ? '' : ' [no --expose-gc: not comparable]'}`,
);

// The harness wants a comparison per file: allocation per call shows in mitata's heap column.
compare('execute() after 10M calls', { ours: () => breaker.execute(work), peers: {} }, { references: { bare: work } });
await runSuite(import.meta.url);
