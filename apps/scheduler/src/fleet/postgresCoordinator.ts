// The coordinator of a fleet sharing one PostgreSQL (DATABASE_URL): the lock
// records are rows of scheduler_locks, a claim is one call of the
// scheduler_claim function (the row locked for that statement, the server's
// clock for the lease), so two instances claiming one tick serialize on the
// row and exactly one wins.
import type { Database } from '@perf/app-kit';
import type { Claim, ClaimRequest, Coordinator } from './coordinator.js';

export class PostgresCoordinator implements Coordinator {
  readonly kind = 'postgres' as const;
  readonly #db: Database;

  constructor(
    db: Database,
    readonly instance: string,
  ) {
    this.#db = db;
  }

  async claim(job: string, { tick, exclusive, leaseMs }: ClaimRequest): Promise<Claim> {
    const { rows } = await this.#db.query<{ outcome: Claim['outcome']; fence: number | null; holder: string | null }>(
      'SELECT outcome, fence::float8 AS fence, holder FROM scheduler_claim($1, $2, $3, $4, $5)',
      [job, tick ?? null, exclusive, Math.ceil(leaseMs), this.instance],
    );
    const r = rows[0];
    if (r === undefined) throw new Error('scheduler_claim returned no row');
    switch (r.outcome) {
      case 'won':
        return { outcome: 'won', fence: r.fence as number };
      case 'busy':
        return { outcome: 'busy', holder: r.holder ?? 'another instance' };
      default:
        return { outcome: r.outcome };
    }
  }

  async renewLease(job: string, fence: number, leaseMs: number): Promise<boolean> {
    const { rows } = await this.#db.query(
      `UPDATE scheduler_locks SET lease_until = clock_timestamp() + $3 * interval '1 millisecond'
        WHERE job = $1 AND fence = $2 AND lease_until IS NOT NULL RETURNING 1 AS ok`,
      [job, fence, Math.ceil(leaseMs)],
    );
    return rows.length > 0;
  }

  async releaseLease(job: string, fence: number): Promise<void> {
    await this.#db.query('UPDATE scheduler_locks SET lease_until = NULL WHERE job = $1 AND fence = $2', [job, fence]);
  }

  async setPaused(job: string, paused: boolean): Promise<void> {
    await this.#db.query(
      'INSERT INTO scheduler_locks (job, paused) VALUES ($1, $2) ON CONFLICT (job) DO UPDATE SET paused = EXCLUDED.paused',
      [job, paused],
    );
  }

  async pausedJobs(): Promise<ReadonlySet<string>> {
    const { rows } = await this.#db.query<{ job: string }>('SELECT job FROM scheduler_locks WHERE paused');
    return new Set(rows.map((r) => r.job));
  }

  async close(): Promise<void> {}
}
