// Regression tests for bugs found in review: each failed before its fix.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchWriter, InvalidOptionError, SpoolError } from '../src/index.js';
import { recordingSink } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'perf-batch-review-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const spooledLines = () =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l !== '');

describe('an item refused by add() leaves nothing behind', () => {
  it.each([
    ['sizeOf', { sizeOf: (i: { id: number }) => (i.id === 2 ? boom() : 1), maxBatchBytes: 1_000 }],
    ['keyOf', { keyOf: (i: { id: number }) => (i.id === 2 ? boom() : i.id) }],
  ])('in the spool when %s throws', async (_name, options) => {
    const sink = recordingSink<{ id: number }>();
    const writer = createBatchWriter<{ id: number }>({ flush: sink.flush, spool: { dir }, ...options });
    writer.add({ id: 1 });
    expect(() => writer.add({ id: 2 })).toThrow('boom');
    await expect(writer.write({ id: 2 })).rejects.toThrow('boom');
    expect(spooledLines().map((l) => JSON.parse(l).id)).toEqual([1]);
    await writer.close();
    expect(sink.batches.flat()).toEqual([{ id: 1 }]);
  });
});

describe('bytes accounting', () => {
  it('refuses a sizeOf result that is not a finite number ≥ 0, so byte-triggered flushes keep working', async () => {
    vi.useFakeTimers();
    const sink = recordingSink<{ size: number }>();
    const writer = createBatchWriter<{ size: number }>({
      flush: sink.flush,
      sizeOf: (i) => i.size,
      maxBatchBytes: 10,
      maxDelayMs: 60_000,
    });
    expect(() => writer.add({ size: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => writer.add({ size: -5 })).toThrow(InvalidOptionError);
    writer.add({ size: 20 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[{ size: 20 }]]);
    await writer.close();
  });
});

describe('spool lines', () => {
  it('refuses (SpoolError, not accepted) an item whose serialized line would not replay as one line', async () => {
    const sink = recordingSink<string>();
    const writer = createBatchWriter<string>({
      flush: sink.flush,
      spool: { dir, serialize: (s) => s, deserialize: (l) => l },
      maxDelayMs: 60_000,
    });
    writer.add('a');
    expect(() => writer.add('b\nc')).toThrow(SpoolError);
    writer.add('d');
    // As if the process died: a fresh writer replays exactly the acknowledged items.
    const replayed = recordingSink<string>();
    const next = createBatchWriter<string>({
      flush: replayed.flush,
      spool: { dir, serialize: (s) => s, deserialize: (l) => l },
    });
    await next.close();
    expect(replayed.batches.flat()).toEqual(['a', 'd']);
    await writer.close();
  });

  it('refuses an item the default JSON serializer cannot write (undefined), instead of breaking every later start', async () => {
    const writer = createBatchWriter<unknown>({ flush: async () => undefined, spool: { dir }, maxDelayMs: 60_000 });
    expect(() => writer.add(undefined)).toThrow(SpoolError);
    writer.add({ ok: true });
    const replayed = recordingSink<unknown>();
    const next = createBatchWriter<unknown>({ flush: replayed.flush, spool: { dir } });
    await next.close();
    expect(replayed.batches.flat()).toEqual([{ ok: true }]);
    await writer.close();
  });

  it('settles the items of a batch even when the spool cannot be trimmed (segment file deleted under it)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // segmentBytes 1: each append rotates, so every item's segment is an older one, deleted once settled.
      const writer = createBatchWriter<number>({ flush: async () => undefined, spool: { dir, segmentBytes: 1 } });
      const writes = [writer.write(1), writer.write(2)];
      for (const name of readdirSync(dir)) unlinkSync(join(dir, name));
      await expect(Promise.all(writes)).resolves.toEqual([undefined, undefined]);
      await writer.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('spool rotation faults', () => {
  it('refuses only the item whose new segment cannot be created, and recovers once it can', async () => {
    const sink = recordingSink<number>();
    const writer = createBatchWriter<number>({
      flush: sink.flush,
      spool: { dir, segmentBytes: 1 },
      maxDelayMs: 60_000,
    });
    // A directory where the next segment file goes: open(2) fails with EISDIR, for real.
    const next = join(dir, '000000000002.log');
    mkdirSync(next);
    expect(writer.add(1)).toBe(true);
    expect(() => writer.add(2)).toThrow(SpoolError);
    rmSync(next, { recursive: true });
    expect(writer.add(3)).toBe(true);
    expect(spooledLines()).toEqual(['1', '3']);
    await writer.close();
    expect(sink.batches.flat()).toEqual([1, 3]);
  });
});

describe('spool trimming faults', () => {
  it('warns (PERF_BATCH_SPOOL) and still settles when a settled segment cannot be deleted', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const writer = createBatchWriter<number>({ flush: async () => undefined, spool: { dir, segmentBytes: 1 } });
      const writes = [writer.write(1), writer.write(2)];
      // A directory where segment files were: unlink(2) fails with EISDIR, a real error other than ENOENT.
      for (const name of readdirSync(dir)) {
        unlinkSync(join(dir, name));
        mkdirSync(join(dir, name));
      }
      await expect(Promise.all(writes)).resolves.toEqual([undefined, undefined]);
      await writer.close();
      const codes = warn.mock.calls.map((call) => (call[1] as { code?: string } | undefined)?.code);
      expect(codes).toContain('PERF_BATCH_SPOOL');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('close() called again', () => {
  it('honours the timeoutMs of a later close() while an earlier one without timeout is draining', async () => {
    vi.useFakeTimers();
    const writer = createBatchWriter<number>({
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

function boom(): never {
  throw new Error('boom');
}
