// Shared set-up of the PostgreSQL tests: a table per test with a random name
// (test files run in parallel and other packages share the server).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A pool that survives pg_terminate_backend of its idle clients. */
export function testPool(url: string, applicationName?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  pool.on('error', () => {}); // an idle client killed by the server; the pool replaces it
  return pool;
}

/** Events table: `id` is the idempotency key, `n` must be ≥ 0 (a negative n is a poison row). */
export async function createEventsTable(pool: pg.Pool, table: string): Promise<void> {
  await pool.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, n int4 NOT NULL CHECK (n >= 0), body text)`);
}

export interface Event {
  readonly id: number;
  readonly n: number;
  readonly body: string;
}

export const eventColumns = { id: 'int8', n: 'int4', body: 'text' } as const;
export const eventRow = (e: Event) => [e.id, e.n, e.body] as const;

/**
 * A pool and a fresh events table per call for one describe block; after the
 * block the tables are dropped and the pool ended. The pool connects lazily, so
 * a skipped block never opens a connection.
 */
export function eventTables(url: string, prefix: string): { pool: pg.Pool; table(): Promise<string> } {
  const pool = testPool(url);
  const tables: string[] = [];
  afterAll(async () => {
    for (const table of tables) await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  });
  return {
    pool,
    async table() {
      const name = uniqueName(prefix);
      tables.push(name);
      await createEventsTable(pool, name);
      return name;
    },
  };
}
