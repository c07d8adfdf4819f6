import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { manualClock, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  BatchWriter,
  type BatchWriterChannelMessages,
  channelNames,
  closeOnSignals,
  InvalidOptionError,
  ItemUnsentError,
  WriterClosedError,
} from '../src/index.js';
import { connectionReset, deferred, recordingSink } from './helpers.js';

useFakeTime();

describe('close()', () => {
  it('drains everything accepted, then refuses new items with WriterClosedError', async () => {
    const sink = recordingSink<number>();
    const writer = new BatchWriter({ flush: sink.flush, name: 'audit', maxBatchSize: 2, maxDelayMs: 60_000 });
    for (let i = 0; i < 5; i++) writer.add(i);
    const result = await writer.close();
    expect(result.unsent).toEqual([]);
    expect(sink.batches.flat()).toEqual([0, 1, 2, 3, 4]);
    expect(() => writer.add(9)).toThrow(WriterClosedError);
    await expect(writer.write(9)).rejects.toMatchObject({
      name: 'WriterClosedError',
      code: 'PERF_BATCH_WRITER_CLOSED',
      message: '@perf/batch-writer: writer "audit" is closed: create a new BatchWriter to write more items.',
    });
  });

  it('with timeoutMs, hands back what it could not write and rejects those writes with ItemUnsentError', async () => {
    const sink = recordingSink<number>();
    sink.behave(async () => {
      throw connectionReset();
    });
    const writer = new BatchWriter({
      flush: sink.flush,
      maxBatchSize: 2,
      retry: { retries: Infinity, baseDelayMs: 100 },
    });
    const writes = [1, 2, 3].map((i) => writer.write(i).catch((e: unknown) => e));
    const closing = writer.close({ timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    const { unsent } = await closing;
    expect([...unsent].sort()).toEqual([1, 2, 3]);
    for (const outcome of await Promise.all(writes)) expect(outcome).toBeInstanceOf(ItemUnsentError);
    expect(writer.stats()).toMatchObject({ queued: 0, inFlight: 0, flushed: 0 });
  });

  it('is what `await using` calls', async () => {
    const sink = recordingSink<number>();
    {
      await using writer = new BatchWriter({ flush: sink.flush, maxDelayMs: 60_000 });
      writer.add(1);
    }
    expect(sink.batches).toEqual([[1]]);
  });

  it('honours the timeoutMs of a later close() while an earlier one without timeout is draining', async () => {
    const writer = new BatchWriter<number>({
      flush: async () => {
        throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      },
      retry: { retries: Number.POSITIVE_INFINITY, baseDelayMs: 10, maxDelayMs: 10 },
    });
    writer.add(1);
    const first = writer.close(); // e.g. `await using`, while the database is down
    const second = writer.close({ timeoutMs: 100 }); // e.g. closeOnSignals({ timeoutMs }) on SIGTERM
    let result: { unsent: readonly number[] } | undefined;
    void second.then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(200);
    expect(result?.unsent).toEqual([1]);
    await expect(first).resolves.toEqual({ unsent: [1] });
  });
});

describe('closeOnSignals', () => {
  it('closes the writers on SIGTERM, ignores a second signal, then removes its handlers', async () => {
    const sink = recordingSink<number>();
    const gate = deferred();
    sink.behave(async () => {
      await gate.promise;
      return undefined;
    });
    const writer = new BatchWriter({ flush: sink.flush, maxDelayMs: 60_000 });
    const closed = deferred<PromiseSettledResult<unknown>[]>();
    const before = process.listenerCount('SIGTERM');
    closeOnSignals(writer, { exit: false, onClosed: (results) => closed.resolve(results) });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    writer.add(1);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    expect(() => writer.add(2)).toThrow(WriterClosedError);
    gate.resolve();
    const results = await closed.promise;
    expect(results).toEqual([{ status: 'fulfilled', value: { unsent: [] } }]);
    expect(sink.batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(0);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});

describe('instrumentation', () => {
  it('names its channels perf:batch-writer:<event>', () => {
    expect(channelNames).toEqual({
      flush: 'perf:batch-writer:flush',
      retry: 'perf:batch-writer:retry',
      split: 'perf:batch-writer:split',
      deadLetter: 'perf:batch-writer:dead-letter',
      reject: 'perf:batch-writer:reject',
    });
  });

  it('publishes flush, retry, split, dead-letter and reject events, each with the writer name', async () => {
    const events: Array<[keyof BatchWriterChannelMessages, unknown]> = [];
    const kindsOfEvent = Object.keys(channelNames) as Array<keyof BatchWriterChannelMessages>;
    const handlers = kindsOfEvent.map((event) => {
      const handler = (message: unknown) => events.push([event, message]);
      subscribe(channelNames[event], handler);
      return [channelNames[event], handler] as const;
    });
    try {
      let calls = 0;
      const writer = new BatchWriter<number>({
        name: 'events',
        flush: async (items) => {
          if (calls++ === 0) throw connectionReset();
          if (items.includes(3)) throw new Error('bad');
          return undefined;
        },
        maxQueued: 4,
        maxBatchSize: 4,
        retry: { baseDelayMs: 10 },
        deadLetter: () => undefined,
      });
      for (let i = 0; i < 5; i++) writer.add(i);
      await vi.advanceTimersByTimeAsync(100);
      await writer.close();
      const kinds = events.map(([name]) => name);
      expect(kinds).toEqual(['reject', 'retry', 'split', 'flush', 'split', 'flush', 'deadLetter']);
      expect(events[0]![1]).toEqual({ name: 'events', method: 'add', maxQueued: 4, maxWaiting: 4 });
      expect(events[1]![1]).toMatchObject({ name: 'events', size: 4, attempt: 1 });
      expect(events[3]![1]).toMatchObject({ name: 'events', size: 2, attempt: 0 });
      expect(events[6]![1]).toMatchObject({ name: 'events', count: 1 });
      for (const [, message] of events) expect(message).toHaveProperty('name', 'events');
    } finally {
      for (const [name, handler] of handlers) unsubscribe(name, handler);
    }
  });

  it('stats() is a fresh plain object that names the writer (default: batch-writer)', () => {
    const named = new BatchWriter({ flush: async () => undefined, name: 'audit-log' });
    const first = named.stats();
    expect(first).toEqual({
      name: 'audit-log',
      queued: 0,
      inFlight: 0,
      inFlightBatches: 0,
      waiting: 0,
      flushed: 0,
      batches: 0,
      retries: 0,
      splits: 0,
      deadLettered: 0,
      rejected: 0,
      replayed: 0,
      oldestAgeMs: 0,
    });
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(named.stats()).not.toBe(first);
    expect(new BatchWriter({ flush: async () => undefined }).stats().name).toBe('batch-writer');
  });

  it('stats() reports the age of the oldest item not yet written', async () => {
    const clock = manualClock(1000);
    const gate = deferred();
    const writer = new BatchWriter({
      flush: async () => {
        await gate.promise;
        return undefined;
      },
      maxDelayMs: 50,
      now: clock.now,
    });
    expect(writer.stats().oldestAgeMs).toBe(0);
    writer.add(1);
    clock.advance(30);
    expect(writer.stats().oldestAgeMs).toBe(30);
    await vi.advanceTimersByTimeAsync(50);
    clock.advance(50);
    expect(writer.stats()).toMatchObject({ inFlight: 1, oldestAgeMs: 80 });
    gate.resolve();
    await writer.close();
    expect(writer.stats().oldestAgeMs).toBe(0);
  });
});

describe('options', () => {
  it.each([
    [{ maxBatchSize: 0 }, 'maxBatchSize', 'an integer ≥ 1', 0],
    [{ maxQueued: 10, maxBatchSize: 100 }, 'maxQueued', 'an integer ≥ maxBatchSize (100)', 10],
    [{ maxBatchBytes: 1024 }, 'sizeOf', 'a function item → bytes when maxBatchBytes is set', undefined],
    [{ concurrency: 1.5 }, 'concurrency', 'an integer ≥ 1', 1.5],
    [{ maxDelayMs: -1 }, 'maxDelayMs', 'a finite number ≥ 0', -1],
    [{ retry: { retries: -1 } }, 'retry.retries', 'a number ≥ 0 or Infinity', -1],
    [{ whenFull: 'drop' }, 'whenFull', "'return-false' or 'throw'", 'drop'],
    [{ maxWaiting: -1 }, 'maxWaiting', 'an integer ≥ 0 or Infinity', -1],
    [{ maxWaiting: 2.5 }, 'maxWaiting', 'an integer ≥ 0 or Infinity', 2.5],
    [{ name: '' }, 'name', 'a non-empty string', ''],
    [{ keyOf: 'id' }, 'keyOf', 'a function', 'id'],
    [{ spool: { dir: '' } }, 'spool.dir', 'the path of a directory', ''],
    [{ spool: { dir: 'spool', segmentBytes: 0 } }, 'spool.segmentBytes', 'an integer ≥ 1', 0],
  ])(
    'rejects %o at construction with InvalidOptionError(option, expected, received)',
    (bad, option, expected, received) => {
      const make = () => new BatchWriter({ flush: async () => undefined, ...(bad as object) });
      expect(make).toThrow(InvalidOptionError);
      expect(make).toThrow(
        expect.objectContaining({
          name: 'InvalidOptionError',
          code: 'PERF_BATCH_WRITER_INVALID_OPTION',
          option,
          expected,
          received,
        }),
      );
    },
  );

  it('says which option, what it must be and what it got, in one message', () => {
    expect(() => new BatchWriter({ flush: async () => undefined, retry: { baseDelayMs: -5 } })).toThrow(
      '@perf/batch-writer: option retry.baseDelayMs must be a finite number ≥ 0, received -5',
    );
    expect(() => new BatchWriter({ flush: async () => undefined, whenFull: 'drop' as never })).toThrow(
      `@perf/batch-writer: option whenFull must be 'return-false' or 'throw', received "drop"`,
    );
    expect(() => new BatchWriter({ flush: 'insert' as never })).toThrow(
      '@perf/batch-writer: option flush must be the function that writes a batch (e.g. postgresSink(…)), received "insert"',
    );
  });

  it('requires flush', () => {
    expect(() => new BatchWriter({} as never)).toThrow(/option flush must be/);
  });
});
