import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  closeOnSignals,
  createBatchWriter,
  InvalidOptionError,
  ItemUnsentError,
  WriterClosedError,
} from '../src/index.js';
import { connectionReset, deferred, recordingSink } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('close()', () => {
  it('drains everything accepted, then refuses new items with WriterClosedError', async () => {
    const sink = recordingSink<number>();
    const writer = createBatchWriter({ flush: sink.flush, maxBatchSize: 2, maxDelayMs: 60_000 });
    for (let i = 0; i < 5; i++) writer.add(i);
    const result = await writer.close();
    expect(result.unsent).toEqual([]);
    expect(sink.batches.flat()).toEqual([0, 1, 2, 3, 4]);
    expect(() => writer.add(9)).toThrow(WriterClosedError);
    await expect(writer.write(9)).rejects.toMatchObject({ code: 'PERF_BATCH_CLOSED' });
  });

  it('with timeoutMs, hands back what it could not write and rejects those writes with ItemUnsentError', async () => {
    const sink = recordingSink<number>();
    sink.behave(async () => {
      throw connectionReset();
    });
    const writer = createBatchWriter({
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
      await using writer = createBatchWriter({ flush: sink.flush, maxDelayMs: 60_000 });
      writer.add(1);
    }
    expect(sink.batches).toEqual([[1]]);
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
    const writer = createBatchWriter({ flush: sink.flush, maxDelayMs: 60_000 });
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
  it('publishes flush, retry, split and dead-letter events on perf:batch:* channels', async () => {
    const events: Array<[string, unknown]> = [];
    const names = ['flush', 'retry', 'split', 'dead-letter', 'reject'];
    const handlers = names.map((name) => {
      const handler = (message: unknown) => events.push([name, message]);
      subscribe(`perf:batch:${name}`, handler);
      return [`perf:batch:${name}`, handler] as const;
    });
    try {
      let calls = 0;
      const writer = createBatchWriter<number>({
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
      expect(kinds).toEqual(['reject', 'retry', 'split', 'flush', 'split', 'flush', 'dead-letter']);
      expect(events[1]![1]).toMatchObject({ size: 4, attempt: 1 });
      expect(events[3]![1]).toMatchObject({ size: 2, attempt: 0 });
      expect(events[6]![1]).toMatchObject({ count: 1 });
    } finally {
      for (const [name, handler] of handlers) unsubscribe(name, handler);
    }
  });

  it('stats() reports the age of the oldest item not yet written', async () => {
    let clock = 1000;
    const gate = deferred();
    const writer = createBatchWriter({
      flush: async () => {
        await gate.promise;
        return undefined;
      },
      maxDelayMs: 50,
      now: () => clock,
    });
    expect(writer.stats().oldestAgeMs).toBe(0);
    writer.add(1);
    clock += 30;
    expect(writer.stats().oldestAgeMs).toBe(30);
    await vi.advanceTimersByTimeAsync(50);
    clock += 50;
    expect(writer.stats()).toMatchObject({ inFlight: 1, oldestAgeMs: 80 });
    gate.resolve();
    await writer.close();
    expect(writer.stats().oldestAgeMs).toBe(0);
  });
});

describe('options', () => {
  it.each([
    [{ maxBatchSize: 0 }, 'maxBatchSize'],
    [{ maxQueued: 10, maxBatchSize: 100 }, 'maxQueued'],
    [{ maxBatchBytes: 1024 }, 'sizeOf'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ maxDelayMs: -1 }, 'maxDelayMs'],
    [{ retry: { retries: -1 } }, 'retry.retries'],
    [{ whenFull: 'drop' }, 'whenFull'],
    [{ maxWaiting: -1 }, 'maxWaiting'],
    [{ maxWaiting: 2.5 }, 'maxWaiting'],
  ])('rejects %o at construction with InvalidOptionError', (bad, option) => {
    const make = () => createBatchWriter({ flush: async () => undefined, ...(bad as object) });
    expect(make).toThrow(InvalidOptionError);
    try {
      make();
    } catch (error) {
      expect(error).toMatchObject({ code: 'PERF_BATCH_INVALID_OPTION', option });
    }
  });

  it('requires flush', () => {
    expect(() => createBatchWriter({} as never)).toThrow(/flush/);
  });
});
