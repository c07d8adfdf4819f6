import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, type DeadLetter, InvalidOptionError } from '../src/index.js';
import { sqlSink } from '../src/sql.js';

// PGlite: a real PostgreSQL in this process (WASM), as the apps embed it.
describe('sqlSink on an in-process PostgreSQL (PGlite)', () => {
  let db: PGlite;
  const statements: Array<{ sql: string; params: number }> = [];
  const execute = (sql: string, params: unknown[]) => {
    statements.push({ sql, params: params.length });
    return db.query(sql, params);
  };

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE events (id int8 PRIMARY KEY, n int4 NOT NULL CHECK (n >= 0), body text)');
  });
  afterAll(async () => {
    await db.close();
  });

  interface Event {
    readonly id: number;
    readonly n: number;
    readonly body: string;
  }
  const sink = (maxParameters?: number) =>
    sqlSink<Event>({
      execute,
      table: 'events',
      columns: ['id', 'n', 'body'],
      row: (e) => [e.id, e.n, e.body],
      idempotencyKey: 'id',
      ...(maxParameters === undefined ? {} : { maxParameters }),
    });

  it('chunks a batch so that no statement has more than 65,535 parameters', async () => {
    statements.length = 0;
    const writer = new BatchWriter({ flush: sink(), maxBatchSize: 30_000, maxQueued: 30_000 });
    for (let id = 0; id < 30_000; id++) writer.add({ id, n: id, body: 'x' });
    await writer.close();
    expect(statements.map((s) => s.params)).toEqual([65_535, 90_000 - 65_535]);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(rows[0]!.n).toBe(30_000);
  });

  it('is idempotent on the key and dead-letters a poison row alone', async () => {
    const dead: DeadLetter<Event>[] = [];
    const writer = new BatchWriter({ flush: sink(300), deadLetter: (f) => void dead.push(...f) });
    // ids 29 990…30 009: the first ten are already present (a replay), id 30 005 is poison.
    for (let id = 29_990; id < 30_010; id++) writer.add({ id, n: id === 30_005 ? -1 : id, body: 'y' });
    await writer.close();
    expect(dead.map((d) => d.item.id)).toEqual([30_005]);
    const { rows } = await db.query<{ n: number; y: number }>(
      "SELECT count(*)::int AS n, count(*) FILTER (WHERE body = 'y')::int AS y FROM events",
    );
    expect(rows[0]).toEqual({ n: 30_009, y: 9 });
  });

  it('uses ? placeholders for SQLite-style drivers', async () => {
    const seen: string[] = [];
    const flush = sqlSink<Event>({
      execute: async (sql) => void seen.push(sql),
      table: 'main.events',
      columns: ['id', 'n'],
      row: (e) => [e.id, e.n],
      idempotencyKey: ['id'],
      placeholders: 'question',
    });
    await flush(
      [
        { id: 1, n: 1, body: '' },
        { id: 2, n: 2, body: '' },
      ],
      { attempt: 0 },
    );
    expect(seen).toEqual([
      'INSERT INTO "main"."events" ("id", "n") VALUES (?, ?), (?, ?) ON CONFLICT ("id") DO NOTHING',
    ]);
  });

  it('rejects invalid options with InvalidOptionError(option, expected, received)', () => {
    const base = { execute, table: 'events', columns: ['id'], row: (e: Event) => [e.id], idempotencyKey: 'id' };
    expect(() => sqlSink<Event>({ ...base, idempotencyKey: 'other' })).toThrow(
      expect.objectContaining({ option: 'idempotencyKey', received: 'other' }),
    );
    expect(() => sqlSink<Event>({ ...base, maxParameters: 0 })).toThrow(
      '@perf/batch-writer: option maxParameters must be an integer ≥ the number of columns (1), received 0',
    );
    expect(() => sqlSink<Event>({ ...base, table: '' })).toThrow(
      expect.objectContaining({ option: 'table', expected: 'a non-empty name', received: '' }),
    );
    expect(() => sqlSink<Event>({ ...base, placeholders: 'named' as never })).toThrow(
      `@perf/batch-writer: option placeholders must be 'numbered' or 'question', received "named"`,
    );
    expect(() => sqlSink<Event>({ ...base, execute: undefined as never })).toThrow(InvalidOptionError);
    expect(() => sqlSink<Event>({ ...base, columns: [] })).toThrow(
      expect.objectContaining({ option: 'columns', received: [] }),
    );
  });
});
