// The memory a run's output is captured in: one @perf/buffer-pool with the
// tiers of the reference deployment (1 KB, 256 KB, 2.5 MB, 5 MB, 10 MB),
// prewarmed so that the first runs allocate nothing. An output starts at the
// size the previous one ended with (at least 64 KB) and grows through the
// tiers; a job's max-output (at most 10 MB) bounds it.
import { BufferPool } from '@perf/buffer-pool';

const KB = 1024;
const MB = 1024 * KB;

export const OUTPUT_TIERS: readonly number[] = [1 * KB, 256 * KB, 2.5 * MB, 5 * MB, 10 * MB];

export function createOutputPool(name = 'job-output'): BufferPool {
  return new BufferPool({
    name,
    tiers: OUTPUT_TIERS,
    // Every class holds a few free buffers; together at most 64 MB stay retained.
    maxPerClass: 8,
    maxRetainedBytes: 64 * MB,
    prewarm: [
      { size: 1 * KB, count: 8 },
      { size: 256 * KB, count: 4 },
      { size: 2.5 * MB, count: 2 },
      { size: 5 * MB, count: 1 },
      { size: 10 * MB, count: 1 },
    ],
  });
}
