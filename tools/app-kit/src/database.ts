// One PostgreSQL for every app, embedded or a server: with DATABASE_URL a pg
// pool to that server, without it PGlite (PostgreSQL compiled to WebAssembly)
// in a data folder, on a worker thread of its own (embeddedDatabase.ts). The
// SQL, the schema and the migrations are the same.
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { openEmbedded } from './embeddedDatabase.js';

export interface QueryResult<R> {
  readonly rows: R[];
  /** Rows inserted, updated or deleted (0 for a SELECT on PGlite). */
  readonly rowCount: number;
}

/** What runs SQL: the database itself, or one transaction of it. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** `'embedded'` (PGlite in `dataDir`) or `'server'` (DATABASE_URL). */
  readonly kind: 'embedded' | 'server';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server's URL; without it the database is embedded in `dataDir`. */
  readonly url?: string | undefined;
  /** The folder of the embedded database (created when missing). */
  readonly dataDir: string;
  /** Most connections to a server. Default 10. */
  readonly maxConnections?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openServer(options.url, options.maxConnections ?? 10);
  mkdirSync(options.dataDir, { recursive: true });
  return openEmbedded(options.dataDir);
}

async function openServer(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection the server closed (restart, pg_terminate_backend): the pool replaces it.
  pool.on('error', () => {});
  const run = async <R>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const r = await q.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  await run(pool, 'SELECT 1'); // fail at start, with the server's own message, when it is unreachable
  // Without parameters pg uses the simple protocol, which runs several statements.
  const exec = async (q: pg.Pool | pg.PoolClient, sql: string) => void (await q.query(sql));
  return {
    kind: 'server',
    query: (sql, params) => run(pool, sql, params),
    exec: (sql) => exec(pool, sql),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => run(client, sql, params), exec: (sql) => exec(client, sql) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
