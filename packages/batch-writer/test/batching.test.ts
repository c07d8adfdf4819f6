import { useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import { BatchWriter, InvalidOptionError } from '../src/index.js';
import { type Deferred, deferred, recordingSink } from './helpers.js';

useFakeTime();

describe('cutting batches', () => {
  it('flushes a full batch as soon as maxBatchSize items are queued', async () => {
    const sink = recordingSink<number>();
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 3, maxDelayMs: 1000 });
    for (let i = 0; i < 7; i++) writer.add(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    await writer.close();
  });

  it('flushes a partial batch once its oldest item has waited maxDelayMs', async () => {
    const sink = recordingSink<string>();
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 100, maxDelayMs: 50 });
    writer.add('a');
    await vi.advanceTimersByTimeAsync(30);
    writer.add('b');
    await vi.advanceTimersByTimeAsync(19);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([['a', 'b']]);
    await writer.close();
  });

  it('flushes on maxBatchBytes, never exceeding it unless one item alone does', async () => {
    const sink = recordingSink<string>();
    const writer = new BatchWriter({
      flush: sink.flush,
      maxBatchBytes: 10,
      sizeOf: (s: string) => s.length,
      maxDelayMs: 1000,
    });
    for (const s of ['aaaa', 'bbbb', 'cccc', 'dddddddddddd', 'e']) writer.add(s);
    await writer.flush();
    expect(sink.batches).toEqual([['aaaa', 'bbbb'], ['cccc'], ['dddddddddddd'], ['e']]);
    await writer.close();
  });

  it('refuses a sizeOf result that is not a finite number ≥ 0, so byte-triggered flushes keep working', async () => {
    const sink = recordingSink<{ size: number }>();
    const writer = new BatchWriter<{ size: number }>({
      flush: sink.flush,
      sizeOf: (i) => i.size,
      maxBatchBytes: 10,
      maxDelayMs: 60_000,
    });
    expect(() => writer.add({ size: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => writer.add({ size: -5 })).toThrow(
      expect.objectContaining({ option: 'sizeOf(item)', expected: 'a finite number ≥ 0', received: -5 }),
    );
    await expect(writer.write({ size: Number.POSITIVE_INFINITY })).rejects.toBeInstanceOf(InvalidOptionError);
    expect(writer.stats()).toMatchObject({ queued: 0, inFlight: 0 });
    writer.add({ size: 20 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[{ size: 20 }]]);
    await writer.close();
  });

  it('flush() writes everything accepted so far and resolves once it is written', async () => {
    const sink = recordingSink<number>();
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 100, maxDelayMs: 60_000 });
    writer.add(1);
    writer.add(2);
    await writer.flush();
    expect(sink.batches).toEqual([[1, 2]]);
    expect(writer.stats()).toMatchObject({ queued: 0, inFlight: 0, flushed: 2, batches: 1 });
    await writer.close();
  });

  it('write() resolves with its own item once its batch is written', async () => {
    const sink = recordingSink<number>();
    const gate = deferred();
    sink.behave(async () => {
      await gate.promise;
      return undefined;
    });
    const writer = new BatchWriter({ flush: sink.flush, maxDelayMs: 5 });
    let settled = false;
    const written = writer.write(1).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(5);
    expect(sink.batches).toEqual([[1]]);
    expect(settled).toBe(false);
    gate.resolve();
    await written;
    expect(settled).toBe(true);
    await writer.close();
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    const sink = recordingSink<number>();
    const gates = [deferred(), deferred(), deferred()];
    sink.behave(async () => {
      await gates[sink.batches.length - 1]!.promise;
      return undefined;
    });
    const writer = new BatchWriter({ flush: sink.flush, maxBatchSize: 2, concurrency: 2 });
    for (let i = 0; i < 6; i++) writer.add(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toHaveLength(2);
    expect(writer.stats()).toMatchObject({ inFlightBatches: 2, inFlight: 4, queued: 2 });
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toHaveLength(3);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await writer.close();
    expect(writer.stats().flushed).toBe(6);
  });

  it('with keyOf, never runs two batches holding the same key at once and keeps each key in order', async () => {
    const sink = recordingSink<{ key: string; n: number }>();
    const gates: Deferred[] = [];
    sink.behave(async () => {
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      return undefined;
    });
    const writer = new BatchWriter({
      flush: sink.flush,
      maxBatchSize: 2,
      concurrency: 3,
      keyOf: (item: { key: string }) => item.key,
    });
    const items = [
      { key: 'a', n: 0 },
      { key: 'a', n: 1 },
      { key: 'a', n: 2 },
      { key: 'b', n: 3 },
      { key: 'c', n: 4 },
      { key: 'a', n: 5 },
    ];
    for (const item of items) writer.add(item);
    await vi.advanceTimersByTimeAsync(0);
    // a0,a1 in flight; a2 must wait for them, b and c may go ahead.
    expect(sink.batches.map((b) => b.map((i) => i.n))).toEqual([
      [0, 1],
      [3, 4],
    ]);
    gates[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches.map((b) => b.map((i) => i.n))).toEqual([
      [0, 1],
      [3, 4],
      [2, 5],
    ]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await writer.close();
    const order = sink.batches
      .flat()
      .filter((i) => i.key === 'a')
      .map((i) => i.n);
    expect(order).toEqual([0, 1, 2, 5]);
  });
});
