// Which coordinator an instance uses: Redis when REDIS_URL is set, else
// PostgreSQL when DATABASE_URL is, else it is alone (in memory, pauses kept
// in the embedded database).
import type { Database } from '@perf/app-kit';
import { type Coordinator, LocalCoordinator } from './coordinator.js';
import { PostgresCoordinator } from './postgresCoordinator.js';
import { RedisCoordinator } from './redisCoordinator.js';

export async function joinFleet(options: {
  readonly instance: string;
  readonly db: Database;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly now?: () => number;
}): Promise<Coordinator> {
  const { db, instance } = options;
  const pausedInDb = async () =>
    (await db.query<{ job: string }>('SELECT job FROM job_state WHERE paused')).rows.map((r) => r.job);
  const persistPaused = async (job: string, paused: boolean) => {
    await db.query(
      'INSERT INTO job_state (job, paused, updated_at) VALUES ($1, $2, now()) ON CONFLICT (job) DO UPDATE SET paused = EXCLUDED.paused, updated_at = now()',
      [job, paused],
    );
  };
  if (options.redisUrl !== undefined) {
    return RedisCoordinator.connect({
      url: options.redisUrl,
      instance,
      prefix: options.redisPrefix,
      pausedAtStart: await pausedInDb(),
      persistPaused,
    });
  }
  if (db.kind === 'server') return new PostgresCoordinator(db, instance);
  return new LocalCoordinator(instance, {
    paused: await pausedInDb(),
    persistPaused,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}
