// The memory a run's output is captured in: one @perf/buffer-pool with the
// tiers of the reference deployment (1 KB, 256 KB, 2.5 MB, 5 MB, 10 MB),
// prewarmed so that the first runs allocate nothing. An output starts at the
// size the previous one ended with (at least 1 KB) and grows through the
// tiers; a job's max-output (at most 10 MB) bounds it.
import { BufferPool } from '@perf/buffer-pool';

const KB = 1024;
const MB = 1024 * KB;

export const OUTPUT_TIERS: readonly number[] = [1 * KB, 256 * KB, 2.5 * MB, 5 * MB, 10 * MB];

/**
 * `jobs`: how many jobs the scheduler has. Every class may keep a buffer for
 * each job (all of them can run at once: a thousand jobs on `@every 1s`
 * start in the same millisecond), within 64 MB retained for the lot; the
 * 1 KB class, where most runs' output fits, is prewarmed for all of them.
 */
export function createOutputPool(name = 'job-output', jobs = 0): BufferPool {
  const perClass = Math.max(8, jobs);
  return new BufferPool({
    name,
    tiers: OUTPUT_TIERS,
    maxPerClass: perClass,
    maxRetainedBytes: 64 * MB,
    prewarm: [
      { size: 1 * KB, count: perClass },
      { size: 256 * KB, count: 4 },
      { size: 2.5 * MB, count: 2 },
      { size: 5 * MB, count: 1 },
      { size: 10 * MB, count: 1 },
    ],
  });
}
