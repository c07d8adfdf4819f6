// PostgreSQL ingest of small rows: the batch writer (one INSERT per batch)
// against one INSERT per item, on the same table and the same connection
// settings. Each iteration writes ROWS rows, so rows/s = ROWS / median. On a
// machine without a PostgreSQL server (the README's zero-set-up `npm start`),
// the same comparison runs on an in-process PostgreSQL (PGlite) through the
// generic SQL sink instead.
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { compare, runSuite } from '@perf/bench';
import { postgres } from '@perf/testing';
import pg from 'pg';
import { BatchWriter, type FlushFn } from '../src/index.js';
import { postgresSink } from '../src/postgres.js';
import { sqlSink } from '../src/sql.js';

const ROWS = 500;
const table = `bw_bench_${randomBytes(4).toString('hex')}`;

interface Row {
  readonly id: number;
  readonly n: number;
  readonly body: string;
}
let nextId = 0;
const row = (): Row => ({ id: nextId++, n: nextId % 1000, body: 'small payload' });
const createTable = `CREATE TABLE ${table} (id int8 PRIMARY KEY, n int4 NOT NULL, body text)`;
const insert = `INSERT INTO ${table} (id, n, body) VALUES ($1, $2, $3)`;

interface Target {
  readonly name: string;
  readonly flush: FlushFn<Row>;
  readonly query: (sql: string, params: unknown[]) => Promise<unknown>;
  readonly close: () => Promise<void>;
}

async function server(url: string): Promise<Target> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(createTable);
  return {
    name: 'PostgreSQL',
    flush: postgresSink({
      pool,
      table,
      columns: { id: 'int8', n: 'int4', body: 'text' },
      row: (r) => [r.id, r.n, r.body],
      idempotencyKey: 'id',
    }),
    query: (sql, params) => pool.query(sql, params),
    close: async () => {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    },
  };
}

async function embedded(): Promise<Target> {
  const db = await PGlite.create();
  await db.exec(createTable);
  const execute = (sql: string, params: unknown[]) => db.query(sql, params);
  return {
    name: 'embedded PostgreSQL (PGlite)',
    flush: sqlSink({
      execute,
      table,
      columns: ['id', 'n', 'body'],
      row: (r) => [r.id, r.n, r.body],
      idempotencyKey: 'id',
    }),
    query: execute,
    close: () => db.close(),
  };
}

const service = await postgres();
const target = service.skip ? await embedded() : await server(service.url);
const writer = new BatchWriter<Row>({ flush: target.flush, maxBatchSize: ROWS, maxDelayMs: 60_000 });

compare(
  `${target.name} ingest, ${ROWS} rows`,
  {
    ours: async () => {
      for (let i = 0; i < ROWS; i++) writer.add(row());
      await writer.flush();
    },
    peers: {
      'one INSERT per item': async () => {
        for (let i = 0; i < ROWS; i++) {
          const r = row();
          await target.query(insert, [r.id, r.n, r.body]);
        }
      },
    },
  },
  { goals: [{ peer: 'one INSERT per item', atMost: 1 / 20 }] },
);

try {
  await runSuite(import.meta.url);
} finally {
  await writer.close();
  await target.close();
}
