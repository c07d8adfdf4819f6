// Drain of write() calls waiting for space, at 10k, 100k and 1M waiters: each
// iteration makes N write() calls at once on a writer that holds 1000 items
// (maxQueued = maxBatchSize = 1000, a sink that does nothing), so N − 1000 of
// them wait, and ends when the last one resolves (waiters are served in order,
// so it settles last). A linear drain costs the same per waiter at every N;
// the time per waiter is printed after the table. The peer is a node:stream
// Writable in object mode (highWaterMark 1000, a no-op writev), each write()
// wrapped in a promise like ours: the bounded queue Node itself offers.
import { Writable } from 'node:stream';
import { compare, runSuite } from '@perf/bench';
import { BatchWriter } from '../src/index.js';

const SIZES = [10_000, 100_000, 1_000_000];
const HELD = 1000;

const writer = new BatchWriter<number>({
  flush: async () => undefined,
  maxBatchSize: HELD,
  maxQueued: HELD,
  maxWaiting: Number.POSITIVE_INFINITY,
  maxDelayMs: 60_000, // every batch is full: the delay timer plays no part
});

const stream = new Writable({
  objectMode: true,
  highWaterMark: HELD,
  writev: (_chunks, callback) => callback(),
});
const streamWrite = (item: number): Promise<void> =>
  new Promise((resolve, reject) => stream.write(item, (error) => (error ? reject(error) : resolve())));

const name = (n: number): string => `drain ${n.toLocaleString('en-US')} waiting write()s`;

for (const n of SIZES) {
  compare(name(n), {
    ours: async () => {
      let last: Promise<void> | undefined;
      for (let i = 0; i < n; i++) last = writer.write(i);
      await last;
    },
    peers: {
      'node:stream Writable': async () => {
        let last: Promise<void> | undefined;
        for (let i = 0; i < n; i++) last = streamWrite(i);
        await last;
      },
    },
  });
}

const suite = await runSuite(import.meta.url);
await writer.close();

// Linear means a constant time per waiter: print it for each N.
for (const n of SIZES) {
  const comparison = suite.comparisons.find((c) => c.name === name(n));
  if (comparison === undefined) continue;
  const perWaiter = comparison.cases.map((c) => `${c.name} ${(c.stats.p50 / n).toFixed(1)} ns`).join(', ');
  console.log(`${name(n)}: per waiter (median / ${n}): ${perWaiter}`);
}
