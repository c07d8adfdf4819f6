import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchWriter, SpoolError } from '../src/index.js';
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
    const crashed = createBatchWriter<{ id: number }>({
      flush: () => new Promise(() => {}),
      spool: { dir },
      maxDelayMs: 0,
    });
    for (let id = 0; id < 5; id++) expect(crashed.add({ id })).toBe(true);
    expect(spooledLines().map((l) => JSON.parse(l).id)).toEqual([0, 1, 2, 3, 4]);

    const sink = recordingSink<{ id: number }>();
    const restarted = createBatchWriter({ flush: sink.flush, spool: { dir } });
    expect(restarted.stats().replayed).toBe(5);
    await restarted.close();
    expect(sink.batches.flat().map((i) => i.id)).toEqual([0, 1, 2, 3, 4]);
    expect(spooledLines()).toEqual([]);
  });

  it('truncates the active segment once everything in it is written', async () => {
    const sink = recordingSink<number>();
    const writer = createBatchWriter({ flush: sink.flush, spool: { dir, fsync: 'always' }, maxDelayMs: 60_000 });
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
    const writer = createBatchWriter<string>({
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

  it('keeps items that close({ timeoutMs }) handed back, for the next start', async () => {
    vi.useFakeTimers();
    const stuck = createBatchWriter<number>({
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
    vi.useRealTimers();
    expect(unsent).toEqual([1, 2]);
    const sink = recordingSink<number>();
    const next = createBatchWriter({ flush: sink.flush, spool: { dir } });
    await next.close();
    expect(sink.batches.flat()).toEqual([1, 2]);
  });

  it('skips a torn last line (an append cut by a power loss was never acknowledged)', async () => {
    writeFileSync(join(dir, '000000000001.log'), '{"id":1}\n{"id":2}\n');
    appendFileSync(join(dir, '000000000001.log'), '{"id":3');
    const sink = recordingSink<{ id: number }>();
    const writer = createBatchWriter({ flush: sink.flush, spool: { dir } });
    await writer.close();
    expect(sink.batches.flat()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('throws SpoolError at construction when the directory cannot be used', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    expect(() => createBatchWriter({ flush: async () => undefined, spool: { dir: file } })).toThrow(SpoolError);
  });
});
