import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  BatchWriter,
  channelNames,
  type FlushFn,
  QueueFullError,
  type RejectMessage,
  WaitQueueFullError,
  WriterClosedError,
} from '../src/index.js';
import { deferred, recordingSink } from './helpers.js';

useFakeTime();

describe('bounded queue', () => {
  it('add() returns false once maxQueued items are held, counting items in flight', async () => {
    const sink = recordingSink<number>();
    const gate = deferred();
    sink.behave(async () => {
      await gate.promise;
      return undefined;
    });
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 4 });
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
    const writer = new BatchWriter({
      flush: async () => undefined,
      name: 'events',
      maxBatchSize: 1,
      maxQueued: 1,
      whenFull: 'throw',
    });
    writer.add(1);
    expect(() => writer.add(2)).toThrow(QueueFullError);
    expect(() => writer.add(3)).toThrow(
      expect.objectContaining({
        code: 'PERF_BATCH_WRITER_QUEUE_FULL',
        message: expect.stringMatching(/^@perf\/batch-writer: writer "events" already holds maxQueued \(1\)/),
      }),
    );
    return writer.close();
  });

  it('write() waits for space when full, then is accepted in order; memory never holds more than maxQueued', async () => {
    const sink = recordingSink<number>();
    const gates = [deferred(), deferred()];
    sink.behave(async () => {
      await gates[sink.batches.length - 1]!.promise;
      return undefined;
    });
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 2 });
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
    const writer = new BatchWriter({
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

describe('write() calls waiting for space', () => {
  /** A sink whose batches each wait for the test to release them. */
  function gatedSink(): { flush: FlushFn<number>; written: number[]; release(): void } {
    const gates: Array<() => void> = [];
    const written: number[] = [];
    return {
      written,
      flush: async (items) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        written.push(...items);
      },
      release: () => {
        for (const open of gates.splice(0)) open();
      },
    };
  }

  it('are admitted first come, first served, ahead of add(), across thousands of waiters', async () => {
    const sink = gatedSink();
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 10, maxQueued: 10, maxWaiting: Infinity });
    const writes = Array.from({ length: 5000 }, (_, i) => writer.write(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(writer.stats()).toMatchObject({ inFlight: 10, waiting: 4990 });
    expect(writer.add(-1)).toBe(false); // add() never overtakes a waiting write()
    while (sink.written.length < 5000) {
      sink.release();
      await vi.advanceTimersByTimeAsync(0);
    }
    await Promise.all(writes);
    expect(sink.written).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(writer.stats()).toMatchObject({ waiting: 0, flushed: 5000, rejected: 1 });
    await writer.close();
  });

  it('beyond maxWaiting, write() rejects at once with WaitQueueFullError and the item is not accepted', async () => {
    const sink = gatedSink();
    const events: RejectMessage[] = [];
    const onReject = (message: unknown) => events.push(message as RejectMessage);
    subscribe(channelNames.reject, onReject);
    try {
      const writer = new BatchWriter({
        flush: sink.flush,
        name: 'ingest',
        maxBatchSize: 2,
        maxQueued: 2,
        maxWaiting: 3,
      });
      const accepted = [1, 2, 3, 4, 5].map((i) => writer.write(i)); // 2 held, 3 waiting
      const refused = writer.write(6);
      await expect(refused).rejects.toBeInstanceOf(WaitQueueFullError);
      await expect(refused).rejects.toMatchObject({
        code: 'PERF_BATCH_WRITER_WAIT_QUEUE_FULL',
        message: expect.stringMatching(/writer "ingest" .*maxWaiting \(3\).*not accepted.*raise maxWaiting/),
      });
      expect(writer.stats()).toMatchObject({ waiting: 3, rejected: 1 });
      expect(events).toEqual([{ name: 'ingest', method: 'write', maxQueued: 2, maxWaiting: 3 }]);
      // Once a waiter is admitted, there is room to wait again.
      await vi.advanceTimersByTimeAsync(0);
      sink.release();
      await vi.advanceTimersByTimeAsync(0);
      expect(writer.stats().waiting).toBe(1);
      const later = writer.write(7);
      while (sink.written.length < 6) {
        sink.release();
        await vi.advanceTimersByTimeAsync(0);
      }
      await Promise.all([...accepted, later]);
      expect(sink.written).toEqual([1, 2, 3, 4, 5, 7]);
      await writer.close();
    } finally {
      unsubscribe(channelNames.reject, onReject);
    }
  });

  it('are bounded by maxQueued by default; maxWaiting: 0 makes write() refuse instead of waiting', async () => {
    const sink = gatedSink();
    const bounded = new BatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 2 });
    const held = [1, 2, 3, 4].map((i) => bounded.write(i)); // 2 held, 2 waiting
    await expect(bounded.write(5)).rejects.toBeInstanceOf(WaitQueueFullError);

    const never = new BatchWriter({ flush: sink.flush, maxBatchSize: 2, maxQueued: 2, maxWaiting: 0 });
    const first = [1, 2].map((i) => never.write(i));
    await expect(never.write(3)).rejects.toMatchObject({ code: 'PERF_BATCH_WRITER_WAIT_QUEUE_FULL' });
    expect(never.stats()).toMatchObject({ waiting: 0, rejected: 1 });

    while (sink.written.length < 6) {
      sink.release();
      await vi.advanceTimersByTimeAsync(0);
    }
    await Promise.all([...held, ...first]);
    await Promise.all([bounded.close(), never.close()]);
  });

  it('still waiting at close() are all rejected with WriterClosedError, across chunks', async () => {
    const sink = gatedSink();
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 1, maxQueued: 1, maxWaiting: 3000 });
    const first = writer.write(0);
    const waiting = Array.from({ length: 3000 }, (_, i) => writer.write(i + 1).catch((e: unknown) => e));
    const closed = writer.close();
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((e) => e instanceof WriterClosedError)).toBe(true);
    expect(writer.stats().waiting).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    sink.release();
    await first;
    expect((await closed).unsent).toEqual([]);
    expect(sink.written).toEqual([0]);
  });
});
