import { postgres } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { BatchWriter, type DeadLetter, InvalidOptionError } from '../src/index.js';
import { postgresSink } from '../src/postgres.js';
import { type Event, eventColumns, eventRow, eventTables } from './pg.js';

const service = await postgres();

describe.skipIf(service.skip)('postgresSink on a real PostgreSQL', () => {
  const { pool, table } = eventTables(service.url, 'bw_pg');

  const count = async (name: string) =>
    (await pool.query<{ n: string; d: string }>(`SELECT count(*) AS n, count(DISTINCT id) AS d FROM ${name}`)).rows[0]!;

  it('inserts batches with unnest and skips rows already present, so a replayed batch never duplicates', async () => {
    const name = await table();
    const flush = postgresSink<Event>({
      pool,
      table: name,
      columns: eventColumns,
      row: eventRow,
      idempotencyKey: 'id',
    });
    const writer = new BatchWriter({ flush, maxBatchSize: 250 });
    const events = Array.from({ length: 1000 }, (_, id) => ({ id, n: id, body: `it's "row" ${id}, with {braces}` }));
    await Promise.all(events.map((e) => writer.write(e)));
    await flush(events.slice(0, 500), { attempt: 1 }); // a retry of batches already written
    await writer.close();
    expect(await count(name)).toEqual({ n: '1000', d: '1000' });
    const { rows } = await pool.query(`SELECT body FROM ${name} WHERE id = 7`);
    expect(rows[0].body).toBe(`it's "row" 7, with {braces}`);
  });

  it('sends a batch of 80,000 rows (240,000 values, over the 65,535-parameter limit) in chunked statements', async () => {
    const name = await table();
    const statements: unknown[][] = [];
    const counting = {
      query: (text: string, values?: unknown[]) => {
        statements.push(values ?? []);
        return pool.query(text, values);
      },
    };
    const flush = postgresSink<Event>({
      pool: counting,
      table: name,
      columns: eventColumns,
      row: eventRow,
      idempotencyKey: 'id',
      maxRowsPerStatement: 20_000,
    });
    const writer = new BatchWriter({ flush, maxBatchSize: 80_000, maxQueued: 80_000 });
    for (let id = 0; id < 80_000; id++) writer.add({ id, n: 1, body: 'x' });
    await writer.close();
    expect(writer.stats().batches).toBe(1);
    expect(statements).toHaveLength(4);
    for (const values of statements) expect(values).toHaveLength(3); // one array parameter per column
    expect(await count(name)).toEqual({ n: '80000', d: '80000' });
  });

  it('dead-letters a poison row alone and writes the rest', async () => {
    const name = await table();
    const dead: DeadLetter<Event>[] = [];
    const writer = new BatchWriter({
      flush: postgresSink<Event>({ pool, table: name, columns: eventColumns, row: eventRow, idempotencyKey: 'id' }),
      maxBatchSize: 1000,
      deadLetter: (failures) => void dead.push(...failures),
    });
    for (let id = 0; id < 1000; id++) writer.add({ id, n: id === 613 ? -1 : id, body: 'b' });
    await writer.close();
    expect(dead.map((d) => d.item.id)).toEqual([613]);
    expect(dead[0]!.error).toMatchObject({ code: '23514' }); // check_violation
    expect(await count(name)).toEqual({ n: '999', d: '999' });
    const missing = await pool.query(`SELECT 1 FROM ${name} WHERE id = 613`);
    expect(missing.rowCount).toBe(0);
  });

  it('rejects invalid sink options with InvalidOptionError(option, expected, received)', () => {
    const base = { pool, table: 't', columns: eventColumns, row: eventRow, idempotencyKey: 'id' };
    expect(() => postgresSink<Event>({ ...base, idempotencyKey: 'nope' })).toThrow(
      '@perf/batch-writer: option idempotencyKey must be one or more of the columns (id, n, body), a unique key of each item, received "nope"',
    );
    expect(() => postgresSink<Event>({ ...base, columns: { id: 'int8; DROP TABLE x' } })).toThrow(
      expect.objectContaining({ option: 'columns.id', received: 'int8; DROP TABLE x' }),
    );
    expect(() => postgresSink<Event>({ ...base, columns: {} })).toThrow(
      expect.objectContaining({ code: 'PERF_BATCH_WRITER_INVALID_OPTION', option: 'columns' }),
    );
    expect(() => postgresSink<Event>({ ...base, table: 'app..events' })).toThrow(
      expect.objectContaining({ option: 'table', received: 'app..events' }),
    );
    expect(() => postgresSink<Event>({ ...base, maxRowsPerStatement: 0 })).toThrow(
      expect.objectContaining({ option: 'maxRowsPerStatement', expected: 'an integer ≥ 1', received: 0 }),
    );
    expect(() => postgresSink<Event>({ ...base, pool: {} as never })).toThrow(
      '@perf/batch-writer: option pool must be a pg.Pool or pg.Client, received an object with no keys',
    );
    expect(() => postgresSink<Event>({ ...base, row: undefined as never })).toThrow(InvalidOptionError);
  });
});
