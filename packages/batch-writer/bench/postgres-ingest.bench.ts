// PostgreSQL ingest of small rows: the batch writer with postgresSink (one
// unnest INSERT per batch) against one INSERT per item, on the same table and
// the same connection settings. Each iteration writes ROWS rows, so
// rows/s = ROWS / median.
import { randomBytes } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import pg from 'pg';
import { createBatchWriter } from '../src/index.js';
import { postgresSink } from '../src/postgres.js';

const ROWS = 500;
const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const table = `bw_bench_${randomBytes(4).toString('hex')}`;
const pool = new pg.Pool({ connectionString: url, max: 2 });
await pool.query(`CREATE TABLE ${table} (id int8 PRIMARY KEY, n int4 NOT NULL, body text)`);

interface Row {
  readonly id: number;
  readonly n: number;
  readonly body: string;
}
let nextId = 0;
const row = (): Row => ({ id: nextId++, n: nextId % 1000, body: 'small payload' });

const writer = createBatchWriter<Row>({
  flush: postgresSink({
    pool,
    table,
    columns: { id: 'int8', n: 'int4', body: 'text' },
    row: (r) => [r.id, r.n, r.body],
    idempotencyKey: 'id',
  }),
  maxBatchSize: ROWS,
  maxDelayMs: 60_000,
});
const insert = `INSERT INTO ${table} (id, n, body) VALUES ($1, $2, $3)`;

compare(
  `PostgreSQL ingest, ${ROWS} rows`,
  {
    ours: async () => {
      for (let i = 0; i < ROWS; i++) writer.add(row());
      await writer.flush();
    },
    peers: {
      'one INSERT per item': async () => {
        for (let i = 0; i < ROWS; i++) {
          const r = row();
          await pool.query(insert, [r.id, r.n, r.body]);
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
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
}
