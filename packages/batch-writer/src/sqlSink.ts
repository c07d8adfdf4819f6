// Generic SQL sink: multi-row `INSERT … VALUES (…), (…)` through any driver's
// `execute(sql, params)`, for engines without unnest (SQLite) or in-process
// PostgreSQL (PGlite). Statements are chunked so that none carries more than
// `maxParameters` bind parameters.
import { InvalidOptionError } from './errors.js';
import { keyColumns, quoteName } from './identifiers.js';
import type { FlushFn } from './types.js';

/** Options of `sqlSink`. */
export interface SqlSinkOptions<T> {
  /** Runs one statement with its parameters, e.g. `(sql, params) => pglite.query(sql, params)`. */
  readonly execute: (sql: string, params: unknown[]) => Promise<unknown>;
  /** Target table, optionally schema-qualified. */
  readonly table: string;
  /** Columns, in the order `row` returns the values. */
  readonly columns: readonly string[];
  /** The values of one item's row, in the order of `columns`. */
  readonly row: (item: T) => readonly unknown[];
  /** Column(s) of a unique index identifying each item: `ON CONFLICT (…) DO NOTHING`, so retries never duplicate. */
  readonly idempotencyKey: string | readonly string[];
  /** `'numbered'` (`$1`, PostgreSQL and PGlite, default) or `'question'` (`?`, SQLite). */
  readonly placeholders?: 'numbered' | 'question';
  /** Most bind parameters per statement. Default 65,535 (PostgreSQL's limit); SQLite's default limit is 32,766. */
  readonly maxParameters?: number;
}

/** A `flush` for `createBatchWriter` that inserts the batch with multi-row INSERT statements. */
export function sqlSink<T>(options: SqlSinkOptions<T>): FlushFn<T> {
  if (typeof options.execute !== 'function')
    throw new InvalidOptionError('execute', 'expected (sql, params) => Promise');
  if (typeof options.row !== 'function') throw new InvalidOptionError('row', 'expected a function item → values');
  const columns = options.columns;
  if (!Array.isArray(columns) || columns.length === 0) throw new InvalidOptionError('columns', 'expected column names');
  const key = keyColumns(options.idempotencyKey, columns);
  const maxParameters = options.maxParameters ?? 65_535;
  if (!Number.isInteger(maxParameters) || maxParameters < columns.length) {
    throw new InvalidOptionError('maxParameters', `expected an integer ≥ the number of columns, got ${maxParameters}`);
  }
  const numbered = (options.placeholders ?? 'numbered') === 'numbered';
  if (!numbered && options.placeholders !== 'question') {
    throw new InvalidOptionError(
      'placeholders',
      `expected 'numbered' or 'question', got ${String(options.placeholders)}`,
    );
  }
  const width = columns.length;
  const rowsPerStatement = Math.floor(maxParameters / width);
  const head = `INSERT INTO ${quoteName('table', options.table)} (${columns.map((c) => quoteName('columns', c)).join(', ')}) VALUES `;
  const tail = ` ON CONFLICT (${key.map((c) => quoteName('idempotencyKey', c)).join(', ')}) DO NOTHING`;
  const { execute, row } = options;

  return async (items) => {
    for (let start = 0; start < items.length; start += rowsPerStatement) {
      const end = Math.min(items.length, start + rowsPerStatement);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < end; i++) {
        const values = row(items[i]!);
        const marks: string[] = [];
        for (let c = 0; c < width; c++) {
          params.push(values[c]);
          marks.push(numbered ? `$${params.length}` : '?');
        }
        tuples.push(`(${marks.join(', ')})`);
      }
      await execute(head + tuples.join(', ') + tail, params);
    }
  };
}
