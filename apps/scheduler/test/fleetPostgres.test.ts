// Two scheduler processes on one PostgreSQL (their own database): one run per
// tick over 100 ticks, the history in that database.
import { postgres, tempDatabase } from '@perf/testing';
import { describe, it } from 'vitest';
import { proveOneRunPerTick } from './fleet.js';

const pg = await postgres();

describe.skipIf(pg.skip)('two scheduler processes on one PostgreSQL', () => {
  it('each tick of a job runs exactly once across them', async () => {
    const db = await tempDatabase(pg.url, 'scheduler_fleet');
    try {
      await proveOneRunPerTick({ DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  }, 120_000);
});
