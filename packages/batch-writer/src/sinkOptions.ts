// The options of the three sinks and their resolvers: each sink validates its
// options once, when it is made, so that a typo in a table, column or type name
// fails at start-up rather than mid-batch. SQL identifiers come from the
// developer, not from items, but are still checked and quoted here.
import { InvalidOptionError } from './errors.js';

/** The part of `pg.Pool` / `pg.Client` the PostgreSQL sink uses. */
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

/** The part of an ioredis pipeline the Redis sink uses. */
export interface RedisPipelineLike {
  /** Commands queued so far. */
  readonly length: number;
  exec(): Promise<Array<[error: Error | null, result: unknown]> | null>;
}

/** Options of `redisSink`. */
export interface RedisSinkOptions<T, P extends RedisPipelineLike> {
  /** An ioredis `Redis` (or `Cluster`) client. */
  readonly redis: { pipeline(): P };
  /**
   * Queues the command(s) of one item on the pipeline, e.g. `(p, e) => p.hset(`user:${e.id}`, e.fields)`.
   * Prefer idempotent commands (SET, HSET, SADD, ZADD…): a retried batch runs them again.
   */
  readonly command: (pipeline: P, item: T) => void;
}

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

/** What an INSERT sink needs, checked and quoted. */
interface ResolvedInsertTarget<T> {
  /** The quoted (possibly schema-qualified) table. */
  readonly table: string;
  /** The quoted columns, in the order of `row`'s values. */
  readonly columns: readonly string[];
  /** The quoted columns of the idempotency key. */
  readonly key: readonly string[];
  readonly row: (item: T) => readonly unknown[];
}

export interface ResolvedPostgresSinkOptions<T> extends ResolvedInsertTarget<T> {
  readonly pool: PostgresQueryable;
  /** The PostgreSQL type of each column, in the order of `columns`. */
  readonly types: readonly string[];
  readonly maxRowsPerStatement: number;
}

export interface ResolvedSqlSinkOptions<T> extends ResolvedInsertTarget<T> {
  readonly execute: (sql: string, params: unknown[]) => Promise<unknown>;
  readonly numbered: boolean;
  readonly maxParameters: number;
}

/** A scalar type name, optionally with a precision: `int8`, `double precision`, `numeric(10, 2)`. */
const TYPE_NAME = /^[a-z_][a-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/i;

export function resolvePostgresSinkOptions<T>(options: PostgresSinkOptions<T>): ResolvedPostgresSinkOptions<T> {
  if (typeof options?.pool?.query !== 'function') {
    throw new InvalidOptionError('pool', 'a pg.Pool or pg.Client', options?.pool);
  }
  const row = rowFunction(options.row);
  const columns = options.columns;
  if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0) {
    throw new InvalidOptionError('columns', 'an object of column name → PostgreSQL type, with at least one', columns);
  }
  const names = Object.keys(columns);
  const types = names.map((name) => {
    const type = columns[name];
    if (typeof type !== 'string' || !TYPE_NAME.test(type)) {
      throw new InvalidOptionError(`columns.${name}`, 'a scalar PostgreSQL type name (e.g. int8, text, jsonb)', type);
    }
    return type;
  });
  const maxRowsPerStatement = options.maxRowsPerStatement ?? 5000;
  if (!Number.isInteger(maxRowsPerStatement) || maxRowsPerStatement < 1) {
    throw new InvalidOptionError('maxRowsPerStatement', 'an integer ≥ 1', maxRowsPerStatement);
  }
  return {
    pool: options.pool,
    row,
    types,
    maxRowsPerStatement,
    ...insertTarget(options.table, names, options.idempotencyKey),
  };
}

export function resolveRedisSinkOptions<T, P extends RedisPipelineLike>(
  options: RedisSinkOptions<T, P>,
): RedisSinkOptions<T, P> {
  if (typeof options?.redis?.pipeline !== 'function') {
    throw new InvalidOptionError('redis', 'an ioredis client (Redis or Cluster)', options?.redis);
  }
  if (typeof options.command !== 'function') {
    throw new InvalidOptionError('command', 'a function (pipeline, item) => void', options.command);
  }
  return { redis: options.redis, command: options.command };
}

export function resolveSqlSinkOptions<T>(options: SqlSinkOptions<T>): ResolvedSqlSinkOptions<T> {
  if (typeof options?.execute !== 'function') {
    throw new InvalidOptionError('execute', 'a function (sql, params) => Promise', options?.execute);
  }
  const row = rowFunction(options.row);
  const columns = options.columns;
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new InvalidOptionError('columns', 'an array of column names, with at least one', columns);
  }
  const maxParameters = options.maxParameters ?? 65_535;
  if (!Number.isInteger(maxParameters) || maxParameters < columns.length) {
    throw new InvalidOptionError(
      'maxParameters',
      `an integer ≥ the number of columns (${columns.length})`,
      maxParameters,
    );
  }
  const placeholders = options.placeholders ?? 'numbered';
  if (placeholders !== 'numbered' && placeholders !== 'question') {
    throw new InvalidOptionError('placeholders', "'numbered' or 'question'", placeholders);
  }
  return {
    execute: options.execute,
    row,
    numbered: placeholders === 'numbered',
    maxParameters,
    ...insertTarget(options.table, columns, options.idempotencyKey),
  };
}

function rowFunction<T>(row: (item: T) => readonly unknown[]): (item: T) => readonly unknown[] {
  if (typeof row !== 'function') throw new InvalidOptionError('row', 'a function item → values', row);
  return row;
}

function insertTarget(
  table: string,
  columns: readonly string[],
  idempotencyKey: string | readonly string[],
): Omit<ResolvedInsertTarget<unknown>, 'row'> {
  return {
    table: quoteName('table', table),
    columns: columns.map((column) => quoteName('columns', column)),
    key: keyColumns(idempotencyKey, columns).map((column) => quoteName('idempotencyKey', column)),
  };
}

/** Quotes a possibly schema-qualified name: `app.events` → `"app"."events"`. */
function quoteName(option: string, name: string): string {
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError(option, 'a non-empty name', name);
  return name
    .split('.')
    .map((part) => {
      if (part === '') throw new InvalidOptionError(option, 'a name without an empty part (e.g. app.events)', name);
      return `"${part.replaceAll('"', '""')}"`;
    })
    .join('.');
}

/** The idempotency key as a list of columns, each of which must be written. */
function keyColumns(key: string | readonly string[], columns: readonly string[]): readonly string[] {
  const list = typeof key === 'string' ? [key] : key;
  const expected = `one or more of the columns (${columns.join(', ')}), a unique key of each item`;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidOptionError('idempotencyKey', expected, key);
  for (const column of list) {
    if (!columns.includes(column)) throw new InvalidOptionError('idempotencyKey', expected, key);
  }
  return list;
}
