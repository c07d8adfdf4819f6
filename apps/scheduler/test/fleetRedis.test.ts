// Two scheduler processes on one Redis: one run per tick over 100 ticks.
import { redis } from '@perf/testing';
import { describe, it } from 'vitest';
import { proveOneRunPerTick } from './fleet.js';

const rd = await redis();

describe.skipIf(rd.skip)('two scheduler processes on one Redis', () => {
  it('each tick of a job runs exactly once across them', async () => {
    await proveOneRunPerTick({ REDIS_URL: rd.url, REDIS_PREFIX: `scheduler-test-${process.pid}-${Date.now()}` });
  }, 120_000);
});
