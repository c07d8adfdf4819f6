import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchWriter, QueueFullError, WriterClosedError } from '../src/index.js';
import { deferred, recordingSink } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('bounded queue', () => {
  it('add() returns false once maxQueued items are held, counting items in flight', async () => {
    const sink = recordingSink<number>();
    const gate = deferred();
    sink.behave(async () => {
      await gate.promise;
      return undefined;
    });
    const writer = createBatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 4 });
    expect([1, 2, 3, 4].map((i) => writer.add(i))).toEqual([true, true, true, true]);
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    expect(writer.add(5)).toBe(false);
    expect(writer.stats().rejected).toBe(1);
    gate.resolve();
    await writer.flush();
    expect(writer.add(6)).toBe(true);
    await writer.close();
    expect(sink.batches.flat()).toEqual([1, 2, 3, 4, 6]);
  });

  it("add() throws QueueFullError when full with whenFull: 'throw'", () => {
    const writer = createBatchWriter({
      flush: async () => undefined,
      maxBatchSize: 1,
      maxQueued: 1,
      whenFull: 'throw',
    });
    writer.add(1);
    expect(() => writer.add(2)).toThrow(QueueFullError);
    try {
      writer.add(3);
    } catch (error) {
      expect((error as QueueFullError).code).toBe('PERF_BATCH_QUEUE_FULL');
    }
    return writer.close();
  });

  it('write() waits for space when full, then is accepted in order; memory never holds more than maxQueued', async () => {
    const sink = recordingSink<number>();
    const gates = [deferred(), deferred()];
    sink.behave(async () => {
      await gates[sink.batches.length - 1]!.promise;
      return undefined;
    });
    const writer = createBatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 2 });
    const writes = [1, 2, 3, 4].map((i) => writer.write(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.stats()).toMatchObject({ inFlight: 2, queued: 0, waiting: 2 });
    expect(writer.add(99)).toBe(false); // add() does not overtake waiting writes
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.stats()).toMatchObject({ inFlight: 2, waiting: 0 });
    gates[1]!.resolve();
    await Promise.all(writes);
    expect(sink.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await writer.close();
  });

  it('close() rejects writes still waiting for space with WriterClosedError', async () => {
    const gate = deferred();
    const writer = createBatchWriter({
      flush: async () => {
        await gate.promise;
        return undefined;
      },
      maxBatchSize: 1,
      maxQueued: 1,
    });
    const first = writer.write(1);
    const waiting = writer.write(2);
    const closed = writer.close();
    await expect(waiting).rejects.toBeInstanceOf(WriterClosedError);
    gate.resolve();
    await first;
    expect((await closed).unsent).toEqual([]);
  });
});
