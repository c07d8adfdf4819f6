// acquire + release against allocating a fresh Buffer of the same size, at the
// issue's sizes. 1 KB is below Node's pool threshold for allocUnsafe (it slices
// Node's shared 8 KB pool), so it anchors the numbers and carries no goal.
import { compare, runSuite } from '@perf/bench';
import { BufferPool } from '../src/index.js';

const KB = 1024;
const MB = 1024 * KB;
const sizes: ReadonlyArray<readonly [string, number]> = [
  ['1 KB', KB],
  ['256 KB', 256 * KB],
  ['2.5 MB', 2.5 * MB],
  ['10 MB', 10 * MB],
];

// Default tiers (powers of two, 1 KiB..16 MiB): 2.5 MB is served from the 4 MiB class.
const fast = new BufferPool({ zero: false });
const safe = new BufferPool();
for (const [, size] of sizes) {
  fast.prewarm(size, 1);
  safe.prewarm(size, 1);
}

for (const [label, size] of sizes) {
  compare(
    `acquire+release ${label}, zero off`,
    {
      ours: () => fast.release(fast.acquire(size)),
      peers: { 'Buffer.allocUnsafe': () => Buffer.allocUnsafe(size) },
    },
    size >= 256 * KB ? { goals: [{ peer: 'Buffer.allocUnsafe', atMost: 1 / 50 }] } : {},
  );
}

for (const [label, size] of sizes) {
  compare(
    `acquire+release ${label}, zero on`,
    {
      ours: () => safe.release(safe.acquire(size)),
      peers: { 'Buffer.alloc': () => Buffer.alloc(size) },
    },
    size >= 256 * KB ? { goals: [{ peer: 'Buffer.alloc', atMost: 1 }] } : {},
  );
}

await runSuite(import.meta.url);
