// PostgreSQL sink: one `INSERT … SELECT * FROM unnest($1::t1[], $2::t2[], …)`
// per chunk of rows. Each column travels as one array parameter, so a statement
// has as many parameters as columns, far under PostgreSQL's limit of 65,535
// whatever the batch size, and the statement text is the same for every batch.
// ON CONFLICT on the idempotency key makes a retried batch (connection lost
// after the commit) or a batch replayed from the spool write each row once.
import { type PostgresSinkOptions, resolvePostgresSinkOptions } from './sinkOptions.js';
import type { FlushFn } from './types.js';

/** A `flush` for `new BatchWriter()` that inserts the batch into a PostgreSQL table. Throws `InvalidOptionError`. */
export function postgresSink<T>(options: PostgresSinkOptions<T>): FlushFn<T> {
  const { pool, row, table, columns, types, key, maxRowsPerStatement } = resolvePostgresSinkOptions(options);
  const sql =
    `INSERT INTO ${table} (${columns.join(', ')}) ` +
    `SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ` +
    `ON CONFLICT (${key.join(', ')}) DO NOTHING`;
  const width = columns.length;

  return async (items) => {
    for (let start = 0; start < items.length; start += maxRowsPerStatement) {
      const end = Math.min(items.length, start + maxRowsPerStatement);
      const arrays: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(end - start));
      for (let i = start; i < end; i++) {
        const values = row(items[i]!);
        for (let c = 0; c < width; c++) arrays[c]![i - start] = values[c];
      }
      await pool.query(sql, arrays);
    }
  };
}
