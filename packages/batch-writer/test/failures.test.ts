import { seededRandom, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../src/backoff.js';
import { BatchWriter, type DeadLetter, defaultClassify, ItemFailedError, RetriesExhaustedError } from '../src/index.js';
import { connectionReset, recordingSink } from './helpers.js';

useFakeTime();

const POISON = 5;

describe('retries', () => {
  it('retries a retryable failure after an exponential backoff with jitter, then writes once', async () => {
    const sink = recordingSink<number>();
    let failures = 2;
    sink.behave(async () => {
      if (failures-- > 0) throw connectionReset();
      return undefined;
    });
    const writer = new BatchWriter({
      flush: sink.flush,
      maxDelayMs: 0,
      retry: { baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 0.5,
    });
    const written = writer.write(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toHaveLength(1);
    // First retry: half of 100 ms fixed, plus 0.5 × 50 ms of jitter.
    await vi.advanceTimersByTimeAsync(74);
    expect(sink.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toHaveLength(2);
    // Second retry: the delay doubles (100 + 0.5 × 100 ms).
    await vi.advanceTimersByTimeAsync(149);
    expect(sink.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await written;
    expect(sink.attempts.map((a) => a.attempt)).toEqual([0, 1, 2]);
    expect(writer.stats()).toMatchObject({ retries: 2, flushed: 1, deadLettered: 0 });
    await writer.close();
  });

  it('spreads retry delays with seeded jitter, within [delay/2, delay] and capped', () => {
    const random = seededRandom(42);
    const schedule = { retries: 5, baseDelayMs: 100, maxDelayMs: 400 };
    const delays = [1, 2, 3, 4].map((attempt) => backoffDelay(schedule, attempt, random));
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThan(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThan(200);
    expect(delays[3]).toBeGreaterThanOrEqual(200);
    expect(delays[3]).toBeLessThan(400);
    expect(new Set(delays.map((d) => d % 1)).size).toBeGreaterThan(1);
  });

  it('dead-letters the items with RetriesExhaustedError once the retries are used up', async () => {
    const sink = recordingSink<number>();
    sink.behave(async () => {
      throw connectionReset();
    });
    const dead: DeadLetter<number>[] = [];
    const writer = new BatchWriter({
      flush: sink.flush,
      maxDelayMs: 0,
      retry: { retries: 2, baseDelayMs: 10 },
      deadLetter: (failures) => {
        dead.push(...failures);
      },
    });
    const written = writer.write(7);
    const outcome = expect(written).rejects.toMatchObject({ code: 'PERF_BATCH_WRITER_ITEM_FAILED' });
    await vi.advanceTimersByTimeAsync(100);
    await outcome;
    expect(sink.batches).toHaveLength(3);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.item).toBe(7);
    expect(dead[0]!.error).toBeInstanceOf(RetriesExhaustedError);
    expect((dead[0]!.error as RetriesExhaustedError).code).toBe('PERF_BATCH_WRITER_RETRIES_EXHAUSTED');
    await writer.close();
  });

  it('classifies transient database and network errors as retry, others as split', () => {
    expect(defaultClassify(connectionReset())).toBe('retry');
    expect(defaultClassify(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe('retry');
    expect(defaultClassify(new Error('Connection terminated unexpectedly'))).toBe('retry');
    expect(defaultClassify(Object.assign(new Error('check violation'), { code: '23514' }))).toBe('split');
    expect(defaultClassify('boom')).toBe('split');
  });
});

describe('bisection of a failing batch', () => {
  it('isolates the poison item, dead-letters it alone and writes the others in order', async () => {
    const sink = recordingSink<number>();
    const written: number[] = [];
    sink.behave(async (items) => {
      if (items.includes(POISON)) throw new Error('value out of range');
      written.push(...items);
      return undefined;
    });
    const dead: DeadLetter<number>[] = [];
    const writer = new BatchWriter({
      flush: sink.flush,
      maxBatchSize: 16,
      deadLetter: (failures) => {
        dead.push(...failures);
      },
    });
    const outcomes = Array.from({ length: 16 }, (_, i) =>
      writer.write(i).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    await writer.flush();
    expect(dead.map((d) => d.item)).toEqual([POISON]);
    expect((dead[0]!.error as Error).message).toBe('value out of range');
    expect(written).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const results = await Promise.all(outcomes);
    expect(results[POISON]).toBeInstanceOf(ItemFailedError);
    expect(results.filter((r) => r === 'ok')).toHaveLength(15);
    expect(writer.stats()).toMatchObject({ deadLettered: 1, flushed: 15 });
    expect(writer.stats().splits).toBeGreaterThan(0);
    await writer.close();
  });

  it("uses the sink's per-item result without bisecting", async () => {
    const sink = recordingSink<number>();
    sink.behave(async (items) => ({
      failed: items.flatMap((item, index) => (item === POISON ? [{ index, error: new Error('bad item') }] : [])),
    }));
    const dead: DeadLetter<number>[] = [];
    const writer = new BatchWriter({ flush: sink.flush, deadLetter: (f) => void dead.push(...f) });
    for (let i = 0; i < 8; i++) writer.add(i);
    await writer.flush();
    expect(sink.batches).toHaveLength(1);
    expect(dead.map((d) => d.item)).toEqual([POISON]);
    expect(writer.stats()).toMatchObject({ flushed: 7, deadLettered: 1, splits: 0 });
    await writer.close();
  });

  it('retries only the items the sink reports as retryable', async () => {
    const sink = recordingSink<number>();
    let first = true;
    sink.behave(async (items) => {
      if (!first) return undefined;
      first = false;
      return { failed: items.flatMap((item, index) => (item % 2 === 0 ? [{ index, error: connectionReset() }] : [])) };
    });
    const writer = new BatchWriter({ flush: sink.flush, retry: { baseDelayMs: 10 } });
    for (let i = 0; i < 6; i++) writer.add(i);
    const done = writer.flush();
    await vi.advanceTimersByTimeAsync(20);
    await done;
    expect(sink.batches).toEqual([
      [0, 1, 2, 3, 4, 5],
      [0, 2, 4],
    ]);
    expect(writer.stats()).toMatchObject({ flushed: 6, retries: 1, deadLettered: 0 });
    await writer.close();
  });

  it("dead-letters the whole batch at once on a 'fail' verdict", async () => {
    const sink = recordingSink<number>();
    sink.behave(async () => {
      throw new Error('permission denied');
    });
    const dead: DeadLetter<number>[] = [];
    const writer = new BatchWriter({
      flush: sink.flush,
      classify: () => 'fail',
      deadLetter: (f) => void dead.push(...f),
    });
    for (let i = 0; i < 4; i++) writer.add(i);
    await writer.flush();
    expect(sink.batches).toHaveLength(1);
    expect(dead.map((d) => d.item)).toEqual([0, 1, 2, 3]);
    await writer.close();
  });

  it('without a deadLetter handler, reports dead-lettered add() items with a process warning', async () => {
    const sink = recordingSink<number>();
    sink.behave(async () => {
      throw new Error('bad row');
    });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const writer = new BatchWriter({ flush: sink.flush });
      writer.add(1);
      await writer.flush();
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain('PERF_BATCH_WRITER_DEAD_LETTERED');
      expect(writer.stats().deadLettered).toBe(1);
      await writer.close();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('reports a deadLetter handler that throws with a process warning, and still settles the items', async () => {
    const warnings: Array<Error & { code?: string }> = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const writer = new BatchWriter<number>({
        flush: async () => {
          throw new Error('bad row');
        },
        deadLetter: () => {
          throw new Error('dead-letter queue unreachable');
        },
      });
      const outcome = writer.write(1).catch((e: unknown) => e);
      await writer.flush();
      await new Promise((resolve) => process.nextTick(resolve));
      expect(await outcome).toBeInstanceOf(ItemFailedError);
      expect(warnings.map((w) => w.message).join()).toMatch(/dead-letter queue unreachable/);
      expect(writer.stats()).toMatchObject({ deadLettered: 1, queued: 0, inFlight: 0 });
      await writer.close();
    } finally {
      process.off('warning', onWarning);
    }
  });
});
