// The coordinator of a fleet sharing one PostgreSQL (DATABASE_URL): the lock
// records are rows of scheduler_locks, a claim is one call of the
// scheduler_claim function (the row locked for that statement, the server's
// clock for the lease), so two instances claiming one tick serialize on the
// row and exactly one wins. The ticks due at once are claimed by one
// statement (one commit, where a thousand claims were a thousand commits and
// fell seconds behind), its rows locked in job order so that two instances
// claiming the same jobs wait for each other instead of deadlocking.
import type { Database } from '@perf/app-kit';
import type { Claim, ClaimRequest, Coordinator, TickClaim } from './coordinator.js';

type ClaimRow = { outcome: Claim['outcome']; fence: number | null; holder: string | null };

const CLAIMS = `
  SELECT c.i::int AS i, r.outcome, r.fence::float8 AS fence, r.holder
    FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::int[]) WITH ORDINALITY AS c(job, tick, exclusive, lease_ms, i)
   CROSS JOIN LATERAL scheduler_claim(c.job, c.tick, c.exclusive, c.lease_ms, $5) AS r`;

/** Jobs per claim statement: a statement holds its rows' locks until it commits. */
const CLAIMS_PER_STATEMENT = 1_000;

function toClaim(r: ClaimRow): Claim {
  switch (r.outcome) {
    case 'won':
      return { outcome: 'won', fence: r.fence as number };
    case 'busy':
      return { outcome: 'busy', holder: r.holder ?? 'another instance' };
    default:
      return { outcome: r.outcome };
  }
}

export class PostgresCoordinator implements Coordinator {
  readonly kind = 'postgres' as const;
  readonly #db: Database;

  constructor(
    db: Database,
    readonly instance: string,
  ) {
    this.#db = db;
  }

  async claim(job: string, request: ClaimRequest): Promise<Claim> {
    return (await this.#claims([{ ...request, job }]))[0] as Claim;
  }

  claimTicks(requests: readonly TickClaim[]): Promise<Claim[]> {
    return this.#claims(requests);
  }

  async #claims(requests: readonly (ClaimRequest & { readonly job: string })[]): Promise<Claim[]> {
    const order = requests.map((_, i) => i).sort((a, b) => compare(requests[a]!.job, requests[b]!.job));
    const claims = new Array<Claim>(requests.length);
    const statements: Promise<void>[] = [];
    for (let start = 0; start < order.length; start += CLAIMS_PER_STATEMENT) {
      const part = order.slice(start, start + CLAIMS_PER_STATEMENT);
      const column = <V>(f: (r: ClaimRequest & { readonly job: string }) => V) => part.map((i) => f(requests[i]!));
      statements.push(
        this.#db
          .query<ClaimRow & { i: number }>(CLAIMS, [
            column((r) => r.job),
            column((r) => r.tick ?? null), // null: a run-now
            column((r) => r.exclusive),
            column((r) => Math.ceil(r.leaseMs)),
            this.instance,
          ])
          .then(({ rows }) => {
            if (rows.length !== part.length)
              throw new Error(`${rows.length} claims came back for ${part.length} requests`);
            for (const r of rows) claims[part[r.i - 1]!] = toClaim(r);
          }),
      );
    }
    await Promise.all(statements);
    return claims;
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

/** Code-unit order (not the database's collation): the same order on every instance. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
