import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFakeTime } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchWriter, InvalidOptionError, SpoolError } from '../src/index.js';
import { recordingSink } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'perf-batch-spool-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const segments = () => readdirSync(dir).filter((n) => n.endsWith('.log'));
const spooledLines = () =>
  segments()
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l !== '');

describe('durable spool', () => {
  it('has each accepted item on disk when add() returns, and replays unwritten items on the next start', async () => {
    // The first writer's sink never finishes: as if the process died mid-flush.
    const crashed = new BatchWriter<{ id: number }>({
      flush: () => new Promise(() => {}),
      spool: { dir },
      maxDelayMs: 0,
    });
    for (let id = 0; id < 5; id++) expect(crashed.add({ id })).toBe(true);
    expect(spooledLines().map((l) => JSON.parse(l).id)).toEqual([0, 1, 2, 3, 4]);

    const sink = recordingSink<{ id: number }>();
    const restarted = new BatchWriter({ flush: sink.flush, spool: { dir } });
    expect(restarted.stats().replayed).toBe(5);
    await restarted.close();
    expect(sink.batches.flat().map((i) => i.id)).toEqual([0, 1, 2, 3, 4]);
    expect(spooledLines()).toEqual([]);
  });

  it('truncates the active segment once everything in it is written', async () => {
    const sink = recordingSink<number>();
    const writer = new BatchWriter({ flush: sink.flush, spool: { dir, fsync: 'always' }, maxDelayMs: 60_000 });
    writer.add(1);
    writer.add(2);
    const [segment] = segments();
    expect(statSync(join(dir, segment!)).size).toBeGreaterThan(0);
    await writer.flush();
    expect(statSync(join(dir, segment!)).size).toBe(0);
    await writer.close();
    expect(segments()).toEqual([]);
  });

  it('rotates segments past segmentBytes and deletes each once its items are written', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writer = new BatchWriter<string>({
      flush: async () => {
        await held;
      },
      spool: { dir, segmentBytes: 16 },
      maxBatchSize: 2,
    });
    for (const s of ['aaaaaa', 'bbbbbb', 'cccccc', 'dddddd', 'eeeeee']) writer.add(s);
    expect(segments().length).toBeGreaterThanOrEqual(3);
    release();
    await writer.close();
    expect(segments()).toEqual([]);
  });

  it('skips a torn last line (an append cut by a power loss was never acknowledged)', async () => {
    writeFileSync(join(dir, '000000000001.log'), '{"id":1}\n{"id":2}\n');
    appendFileSync(join(dir, '000000000001.log'), '{"id":3');
    const sink = recordingSink<{ id: number }>();
    const writer = new BatchWriter({ flush: sink.flush, spool: { dir } });
    await writer.close();
    expect(sink.batches.flat()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('throws SpoolError at construction when the directory cannot be used', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    expect(() => new BatchWriter({ flush: async () => undefined, spool: { dir: file } })).toThrow(
      expect.objectContaining({ name: 'SpoolError', code: 'PERF_BATCH_WRITER_SPOOL' }),
    );
  });

  it("refuses an fsync policy it does not know at construction, instead of silently not syncing ('Always')", () => {
    const make = () =>
      new BatchWriter({ flush: async () => undefined, spool: { dir: join(dir, 'sub'), fsync: 'Always' as never } });
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow(`@perf/batch-writer: option spool.fsync must be 'never' or 'always', received "Always"`);
    expect(existsSync(join(dir, 'sub'))).toBe(false); // validated before anything is created
  });
});

describe('close({ timeoutMs }) with the spool', () => {
  useFakeTime(); // for the close timeout and the retry backoff; the spool's files are real

  it('keeps the items it handed back, for the next start', async () => {
    const stuck = new BatchWriter<number>({
      flush: async () => {
        throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      },
      spool: { dir },
      retry: { retries: Infinity, baseDelayMs: 1, maxDelayMs: 1 },
    });
    stuck.add(1);
    stuck.add(2);
    const closing = stuck.close({ timeoutMs: 20 });
    await vi.advanceTimersByTimeAsync(20);
    const { unsent } = await closing;
    expect(unsent).toEqual([1, 2]);
    const sink = recordingSink<number>();
    const next = new BatchWriter({ flush: sink.flush, spool: { dir } });
    await next.close();
    expect(sink.batches.flat()).toEqual([1, 2]);
  });
});

describe('an item the spool cannot take is refused, not acknowledged', () => {
  it.each([
    ['sizeOf', { sizeOf: (i: { id: number }) => (i.id === 2 ? boom() : 1), maxBatchBytes: 1_000 }],
    ['keyOf', { keyOf: (i: { id: number }) => (i.id === 2 ? boom() : i.id) }],
  ])('leaves nothing in the spool when %s throws', async (_name, options) => {
    const sink = recordingSink<{ id: number }>();
    const writer = new BatchWriter<{ id: number }>({ flush: sink.flush, spool: { dir }, ...options });
    writer.add({ id: 1 });
    expect(() => writer.add({ id: 2 })).toThrow('boom');
    await expect(writer.write({ id: 2 })).rejects.toThrow('boom');
    expect(spooledLines().map((l) => JSON.parse(l).id)).toEqual([1]);
    await writer.close();
    expect(sink.batches.flat()).toEqual([{ id: 1 }]);
  });

  it('refuses (SpoolError) an item whose serialized line would not replay as one line', async () => {
    const sink = recordingSink<string>();
    const writer = new BatchWriter<string>({
      flush: sink.flush,
      spool: { dir, serialize: (s) => s, deserialize: (l) => l },
      maxDelayMs: 60_000,
    });
    writer.add('a');
    expect(() => writer.add('b\nc')).toThrow(SpoolError);
    writer.add('d');
    // As if the process died: a fresh writer replays exactly the acknowledged items.
    const replayed = recordingSink<string>();
    const next = new BatchWriter<string>({
      flush: replayed.flush,
      spool: { dir, serialize: (s) => s, deserialize: (l) => l },
    });
    await next.close();
    expect(replayed.batches.flat()).toEqual(['a', 'd']);
    await writer.close();
  });

  it('refuses an item the default JSON serializer cannot write (undefined), instead of breaking every later start', async () => {
    const writer = new BatchWriter<unknown>({ flush: async () => undefined, spool: { dir }, maxDelayMs: 60_000 });
    expect(() => writer.add(undefined)).toThrow(SpoolError);
    writer.add({ ok: true });
    const replayed = recordingSink<unknown>();
    const next = new BatchWriter<unknown>({ flush: replayed.flush, spool: { dir } });
    await next.close();
    expect(replayed.batches.flat()).toEqual([{ ok: true }]);
    await writer.close();
  });

  it('refuses only the item whose new segment cannot be created, and recovers once it can', async () => {
    const sink = recordingSink<number>();
    const writer = new BatchWriter<number>({
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

describe('trimming the spool', () => {
  it('settles the items of a batch even when the spool cannot be trimmed (segment file deleted under it)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // segmentBytes 1: each append rotates, so every item's segment is an older one, deleted once settled.
      const writer = new BatchWriter<number>({ flush: async () => undefined, spool: { dir, segmentBytes: 1 } });
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

  it('warns (PERF_BATCH_WRITER_SPOOL) and still settles when a settled segment cannot be deleted', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const writer = new BatchWriter<number>({ flush: async () => undefined, spool: { dir, segmentBytes: 1 } });
      const writes = [writer.write(1), writer.write(2)];
      // A directory where segment files were: unlink(2) fails with EISDIR, a real error other than ENOENT.
      for (const name of readdirSync(dir)) {
        unlinkSync(join(dir, name));
        mkdirSync(join(dir, name));
      }
      await expect(Promise.all(writes)).resolves.toEqual([undefined, undefined]);
      await writer.close();
      const codes = warn.mock.calls.map((call) => (call[1] as { code?: string } | undefined)?.code);
      expect(codes).toContain('PERF_BATCH_WRITER_SPOOL');
    } finally {
      warn.mockRestore();
    }
  });
});

function boom(): never {
  throw new Error('boom');
}
