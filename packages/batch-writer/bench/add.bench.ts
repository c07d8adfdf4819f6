// Cost of add(): 1000 add() calls then flush() per iteration, against 1000
// pushes onto a plain array (the floor of any in-memory queue). Per-add cost
// = median / 1000; it includes cutting the batch and settling it.
import { compare, runSuite } from '@perf/bench';
import { BatchWriter } from '../src/index.js';

const N = 1000;
const writer = new BatchWriter<number>({
  flush: async () => undefined,
  maxBatchSize: N,
  maxQueued: 10 * N,
  maxDelayMs: 60_000,
});
const array: number[] = [];

compare(`add() × ${N} then flush()`, {
  ours: async () => {
    for (let i = 0; i < N; i++) writer.add(i);
    await writer.flush();
  },
  peers: {
    'array push': async () => {
      for (let i = 0; i < N; i++) array.push(i);
      array.length = 0;
      await Promise.resolve();
    },
  },
});

await runSuite(import.meta.url);
await writer.close();
