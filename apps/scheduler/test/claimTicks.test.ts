// Claiming the ticks due at once in one call, on each coordinator (in process,
// the shared Redis, a PostgreSQL database of its own): every claim comes back
// in the order asked, with the outcome one claim at a time would have had
// (won, lost to another instance, paused, busy), a job due twice in one call
// gets both ticks in order, and the other instance then loses them all; two
// instances claiming the same jobs at once in opposite orders do not deadlock.
import { randomUUID } from 'node:crypto';
import { migrate, openDatabase } from '@perf/app-kit';
import { postgres, redis, tempDatabase } from '@perf/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type Coordinator, LocalCoordinator } from '../src/fleet/coordinator.js';
import { PostgresCoordinator } from '../src/fleet/postgresCoordinator.js';
import { RedisCoordinator } from '../src/fleet/redisCoordinator.js';
import { MIGRATIONS } from '../src/history/schema.js';

const LEASE = 60_000;
const tick = (job: string, at: number, exclusive = false) => ({ job, tick: at, exclusive, leaseMs: LEASE });

/** Two instances of one fleet: `a` claims, `b` is the other instance. */
async function proveClaimTicks(a: Coordinator, b: Coordinator): Promise<void> {
  await a.setPaused('m-paused', true);
  expect(await b.claimTicks([tick('a-lost', 1_000)])).toEqual([{ outcome: 'won', fence: 1 }]);
  expect(await b.claim('e-busy', { tick: undefined, exclusive: true, leaseMs: LEASE })).toEqual({
    outcome: 'won',
    fence: 1,
  });

  // Asked out of name order: the answers follow the requests.
  const claims = await a.claimTicks([
    tick('x-won', 1_000),
    tick('a-lost', 1_000),
    tick('m-paused', 1_000),
    tick('e-busy', 1_000, true),
    tick('t-twice', 1_000),
    tick('t-twice', 2_000),
  ]);
  expect(claims).toEqual([
    { outcome: 'won', fence: 1 },
    { outcome: 'lost' },
    { outcome: 'paused' },
    { outcome: 'busy', holder: 'b' },
    { outcome: 'won', fence: 1 },
    { outcome: 'won', fence: 2 },
  ]);
  // The other instance, late for the same ticks, loses every one it did not hold.
  expect(
    (await b.claimTicks([tick('x-won', 1_000), tick('t-twice', 2_000), tick('t-twice', 1_000)])).map((c) => c.outcome),
  ).toEqual(['lost', 'lost', 'lost']);
}

const rd = await redis();
const pg = await postgres();

describe('claimTicks', () => {
  it('in process (LocalCoordinator: one instance)', async () => {
    const c = new LocalCoordinator('a');
    await c.setPaused('m-paused', true);
    await c.claim('e-busy', { tick: undefined, exclusive: true, leaseMs: LEASE });
    const claims = await c.claimTicks([
      tick('x-won', 1_000),
      tick('m-paused', 1_000),
      tick('e-busy', 1_000, true),
      tick('t-twice', 1_000),
      tick('t-twice', 2_000),
      tick('x-won', 1_000),
    ]);
    expect(claims).toEqual([
      { outcome: 'won', fence: 1 },
      { outcome: 'paused' },
      { outcome: 'busy', holder: 'a' },
      { outcome: 'won', fence: 1 },
      { outcome: 'won', fence: 2 },
      { outcome: 'lost' },
    ]);
  });

  it.skipIf(rd.skip)('on Redis: one script call for the lot', async () => {
    const prefix = `scheduler-test-claims-${randomUUID()}`;
    const a = await RedisCoordinator.connect({ url: rd.url, instance: 'a', prefix });
    const b = await RedisCoordinator.connect({ url: rd.url, instance: 'b', prefix });
    const cleanup = new Redis(rd.url);
    try {
      await proveClaimTicks(a, b);
    } finally {
      const keys = await cleanup.keys(`${prefix}:*`);
      if (keys.length > 0) await cleanup.del(...keys);
      cleanup.disconnect();
      await a.close();
      await b.close();
    }
  });

  it.skipIf(pg.skip)('on PostgreSQL: one statement for the lot', async () => {
    const temp = await tempDatabase(pg.url, 'scheduler_claims');
    const db = await openDatabase({ url: temp.url, dataDir: '' });
    try {
      await migrate(db, 'scheduler', MIGRATIONS);
      await proveClaimTicks(new PostgresCoordinator(db, 'a'), new PostgresCoordinator(db, 'b'));

      // Two instances claiming the same 300 jobs at once, asked in opposite orders: each locks the rows in
      // job order, so they wait for each other instead of deadlocking, and each tick goes to exactly one.
      const a = new PostgresCoordinator(db, 'a');
      const b = new PostgresCoordinator(db, 'b');
      const jobs = Array.from({ length: 300 }, (_, i) => `fleet-${i}`);
      for (let at = 10_000; at < 15_000; at += 1_000) {
        const [fromA, fromB] = await Promise.all([
          a.claimTicks(jobs.map((job) => tick(job, at))),
          b.claimTicks(jobs.toReversed().map((job) => tick(job, at))),
        ]);
        const winsB = fromB.toReversed().map((c) => c.outcome === 'won');
        expect(fromA.map((c, i) => (c.outcome === 'won') !== winsB[i])).toEqual(jobs.map(() => true));
      }
    } finally {
      await db.close();
      await temp.drop();
    }
  });
});
