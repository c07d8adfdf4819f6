import { describe, expectTypeOf, test } from 'vitest';
import {
  BatchWriter,
  type BatchWriterChannelMessages,
  type BatchWriterError,
  type BatchWriterErrorCode,
  type BatchWriterStats,
  type CloseResult,
  channelNames,
  type FlushFn,
  type InvalidOptionError,
} from '../src/index.js';
import { postgresSink } from '../src/postgres.js';
import { redisSink } from '../src/redis.js';
import { sqlSink } from '../src/sql.js';

interface Event {
  readonly id: string;
  readonly n: number;
}

describe('public types', () => {
  test('new BatchWriter<T>() takes and hands back items of T', () => {
    const writer = new BatchWriter<Event>({ flush: async (items) => void items });
    expectTypeOf(writer.add).parameter(0).toEqualTypeOf<Event>();
    expectTypeOf(writer.write({ id: 'a', n: 1 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(writer.close()).toEqualTypeOf<Promise<CloseResult<Event>>>();
    expectTypeOf(writer.stats()).toEqualTypeOf<BatchWriterStats>();
    expectTypeOf(writer.stats().name).toEqualTypeOf<string>();
    // @ts-expect-error an item of another type
    writer.add({ id: 1 });
  });

  test('the item type is inferred from the sink', () => {
    const flush = postgresSink<Event>({
      pool: { query: async () => undefined },
      table: 'events',
      columns: { id: 'text', n: 'int4' },
      row: (e) => [e.id, e.n],
      idempotencyKey: 'id',
    });
    expectTypeOf(flush).toEqualTypeOf<FlushFn<Event>>();
    expectTypeOf(new BatchWriter({ flush })).toEqualTypeOf<BatchWriter<Event>>();
    expectTypeOf(
      sqlSink<Event>({
        execute: async () => undefined,
        table: 't',
        columns: ['id'],
        row: (e) => [e.id],
        idempotencyKey: 'id',
      }),
    ).toEqualTypeOf<FlushFn<Event>>();
    expectTypeOf(redisSink<Event, never>).returns.toEqualTypeOf<FlushFn<Event>>();
  });

  test('a plain async function that returns nothing is a valid flush', () => {
    new BatchWriter<number>({ flush: async () => {} });
  });

  test('error.code narrows in a switch: a code that does not exist is a type error', () => {
    expectTypeOf<BatchWriterError['code']>().toEqualTypeOf<BatchWriterErrorCode>();
    const label = (error: BatchWriterError): string => {
      switch (error.code) {
        case 'PERF_BATCH_WRITER_QUEUE_FULL':
        case 'PERF_BATCH_WRITER_WAIT_QUEUE_FULL':
          return 'full';
        // @ts-expect-error the old prefix is gone
        case 'PERF_BATCH_CLOSED':
          return 'closed';
        default:
          return error.code;
      }
    };
    void label;
    expectTypeOf<InvalidOptionError['code']>().toEqualTypeOf<'PERF_BATCH_WRITER_INVALID_OPTION'>();
    expectTypeOf<InvalidOptionError['received']>().toEqualTypeOf<unknown>();
    expectTypeOf<InvalidOptionError['expected']>().toEqualTypeOf<string>();
  });

  test('channelNames are literal types, and every message carries the writer name', () => {
    expectTypeOf(channelNames.deadLetter).toEqualTypeOf<'perf:batch-writer:dead-letter'>();
    expectTypeOf<BatchWriterChannelMessages['flush']['name']>().toEqualTypeOf<string>();
    expectTypeOf<BatchWriterChannelMessages['reject']['method']>().toEqualTypeOf<'add' | 'write'>();
  });
});
