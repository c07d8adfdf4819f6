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

/** A gate on a table's INSERTs; see closeInsertGate. */
export interface InsertGate {
  /**
   * Terminates `count` distinct backends of `applicationName` as they wait at the gate. Gives up with an
   * error if `giveUp` settles first (e.g. the writer's process exited before it reached the gate).
   */
  terminateWaiting(applicationName: string, count: number, giveUp?: Promise<unknown>): Promise<void>;
  /** Lets the INSERTs through. */
  open(): Promise<void>;
  /** Opens the gate, returns its connection and drops its trigger and function. */
  dispose(): Promise<void>;
}

/**
 * Makes every INSERT into `table` wait for an advisory lock held until `open()`: a test can then kill the
 * writer's backend (pg_terminate_backend) while it is inside a batch's statement, for real.
 */
export async function closeInsertGate(pool: pg.Pool, table: string): Promise<InsertGate> {
  const lockKey = Math.floor(Math.random() * 2 ** 31);
  await pool.query(`CREATE FUNCTION ${table}_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_advisory_xact_lock_shared(${lockKey}); RETURN NULL; END $$`);
  await pool.query(
    `CREATE TRIGGER ${table}_gate AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_gate()`,
  );
  const holder = await pool.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [lockKey]);
  let closed = true;
  const open = async (): Promise<void> => {
    if (!closed) return;
    closed = false;
    await holder.query('SELECT pg_advisory_unlock($1)', [lockKey]);
  };
  return {
    async terminateWaiting(applicationName, count, giveUp) {
      let gaveUp = false;
      const stop = (): void => {
        gaveUp = true;
      };
      giveUp?.then(stop, stop);
      // A terminated backend can still be listed while it exits: count each pid once.
      const killed = new Set<number>();
      while (killed.size < count) {
        if (gaveUp) throw new Error(`gave up after terminating ${killed.size} of ${count} backends`);
        const { rows } = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [applicationName],
        );
        for (const { pid } of rows) {
          if (killed.has(pid)) continue;
          const r = await pool.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
          if (r.rows[0]!.ok) killed.add(pid);
        }
      }
    },
    open,
    async dispose() {
      try {
        await open();
      } finally {
        holder.release();
        await pool.query(`DROP TRIGGER IF EXISTS ${table}_gate ON ${table}`);
        await pool.query(`DROP FUNCTION IF EXISTS ${table}_gate()`);
      }
    },
  };
}
