// Generic SQL sink: multi-row `INSERT … VALUES (…), (…)` through any driver's
// `execute(sql, params)`, for engines without unnest (SQLite) or in-process
// PostgreSQL (PGlite). Statements are chunked so that none carries more than
// `maxParameters` bind parameters.
import { resolveSqlSinkOptions, type SqlSinkOptions } from './sinkOptions.js';
import type { FlushFn } from './types.js';

/** A `flush` for `new BatchWriter()` that inserts the batch with multi-row INSERT statements. Throws `InvalidOptionError`. */
export function sqlSink<T>(options: SqlSinkOptions<T>): FlushFn<T> {
  const { execute, row, table, columns, key, numbered, maxParameters } = resolveSqlSinkOptions(options);
  const width = columns.length;
  const rowsPerStatement = Math.floor(maxParameters / width);
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const tail = ` ON CONFLICT (${key.join(', ')}) DO NOTHING`;

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
