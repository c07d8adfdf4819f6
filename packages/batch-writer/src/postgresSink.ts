// PostgreSQL sink: one `INSERT … SELECT * FROM unnest($1::t1[], $2::t2[], …)`
// per chunk of rows. Each column travels as one array parameter, so a statement
// has as many parameters as columns, far under PostgreSQL's limit of 65,535
// whatever the batch size, and the statement text is the same for every batch.
// ON CONFLICT on the idempotency key makes a retried batch (connection lost
// after the commit) or a batch replayed from the spool write each row once.
import { InvalidOptionError } from './errors.js';
import { keyColumns, quoteName } from './identifiers.js';
import type { FlushFn } from './types.js';

/** The part of `pg.Pool` / `pg.Client` the sink uses. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Options of `postgresSink`. */
export interface PostgresSinkOptions<T> {
  /** A `pg.Pool` (recommended: it replaces a broken connection; give it an `'error'` listener) or a `pg.Client`. */
  readonly pool: PostgresQueryable;
  /** Target table, optionally schema-qualified (`app.events`). */
  readonly table: string;
  /**
   * Column name → PostgreSQL type, in the order `row` returns the values, e.g. `{ id: 'uuid', n: 'int4', body: 'jsonb' }`.
   * The types cast the unnest arrays; array-typed columns are not supported (send them as `jsonb`).
   */
  readonly columns: Readonly<Record<string, string>>;
  /** The values of one item's row, in the order of `columns`. */
  readonly row: (item: T) => readonly unknown[];
  /** Column(s) of a unique index identifying each item: rows already present are skipped, so retries never duplicate. */
  readonly idempotencyKey: string | readonly string[];
  /** Rows per INSERT statement; larger batches are sent in several statements. Default 5000. */
  readonly maxRowsPerStatement?: number;
}

const TYPE_NAME = /^[a-z_][a-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/i;

/** A `flush` for `createBatchWriter` that inserts the batch into a PostgreSQL table. */
export function postgresSink<T>(options: PostgresSinkOptions<T>): FlushFn<T> {
  if (typeof options.pool?.query !== 'function')
    throw new InvalidOptionError('pool', 'expected a pg.Pool or pg.Client');
  if (typeof options.row !== 'function') throw new InvalidOptionError('row', 'expected a function item → values');
  const names = Object.keys(options.columns ?? {});
  if (names.length === 0) throw new InvalidOptionError('columns', 'expected at least one column');
  const types = names.map((name) => {
    const type = options.columns[name]!;
    if (!TYPE_NAME.test(type))
      throw new InvalidOptionError('columns', `"${type}" (column ${name}) is not a scalar type name`);
    return type;
  });
  const key = keyColumns(options.idempotencyKey, names);
  const rowsPerStatement = options.maxRowsPerStatement ?? 5000;
  if (!Number.isInteger(rowsPerStatement) || rowsPerStatement < 1) {
    throw new InvalidOptionError('maxRowsPerStatement', `expected an integer ≥ 1, got ${rowsPerStatement}`);
  }
  const sql =
    `INSERT INTO ${quoteName('table', options.table)} (${names.map((n) => quoteName('columns', n)).join(', ')}) ` +
    `SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ` +
    `ON CONFLICT (${key.map((n) => quoteName('idempotencyKey', n)).join(', ')}) DO NOTHING`;
  const { pool, row } = options;
  const width = names.length;

  return async (items) => {
    for (let start = 0; start < items.length; start += rowsPerStatement) {
      const end = Math.min(items.length, start + rowsPerStatement);
      const arrays: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(end - start));
      for (let i = start; i < end; i++) {
        const values = row(items[i]!);
        for (let c = 0; c < width; c++) arrays[c]![i - start] = values[c];
      }
      await pool.query(sql, arrays);
    }
  };
}
