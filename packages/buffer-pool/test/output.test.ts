import { spawn } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { BufferPool, channelNames, InvalidOptionError, OutputReleasedError } from '../src/index.js';

const KB = 1024;
const MB = 1024 * KB;

describe('OutputBuffer', () => {
  test('captures chunks exactly, growing through the classes and giving outgrown memory back', () => {
    const pool = new BufferPool();
    const out = pool.output({ maxBytes: MB, initialBytes: KB });
    const chunks: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const chunk = Buffer.alloc(1000, i);
      chunks.push(chunk);
      expect(out.write(chunk)).toBe(true);
    }
    out.write('tail');
    expect(out.bytes().equals(Buffer.concat([...chunks, Buffer.from('tail')]))).toBe(true);
    expect(out.length).toBe(40_004);
    expect(out.truncated).toBe(false);
    expect(out.droppedBytes).toBe(0);
    // 1 → 2 → 4 → … → 64 KiB: every outgrown buffer went back to its class.
    expect(pool.stats().releases).toBe(6);
    out.release();
    expect(pool.stats().retainedBytes).toBe((1 + 2 + 4 + 8 + 16 + 32 + 64) * KB);
  });

  test('by default an output starts at the length the previous one ended with, so similar outputs never grow', () => {
    const pool = new BufferPool();
    const data = Buffer.alloc(300 * KB, 1);
    const first = pool.output({ maxBytes: MB });
    first.write(data);
    first.release();
    const releases = pool.stats().releases;
    const second = pool.output({ maxBytes: MB });
    second.write(data);
    expect(pool.stats().releases).toBe(releases); // nothing outgrown
    expect(second.bytes().equals(data)).toBe(true);
    second.release();
  });

  test('over maxBytes: keeps the head, appends the marker within maxBytes, counts what it dropped', () => {
    const seen: unknown[] = [];
    const fn = (m: unknown) => seen.push(m);
    subscribe(channelNames.truncate, fn);
    try {
      const pool = new BufferPool({ name: 'out' });
      const out = pool.output({ maxBytes: 100, marker: '[cut]' });
      expect(out.write('a'.repeat(60))).toBe(true);
      expect(out.write('b'.repeat(60))).toBe(false);
      expect(out.write('c'.repeat(10))).toBe(false);
      expect(out.length).toBe(100);
      expect(out.truncated).toBe(true);
      expect(out.toString()).toBe(`${'a'.repeat(60)}${'b'.repeat(35)}[cut]`);
      expect(out.droppedBytes).toBe(130 - 95);
      expect(seen).toEqual([{ name: 'out', maxBytes: 100 }]);
    } finally {
      unsubscribe(channelNames.truncate, fn);
    }
  });

  test('the marker replaces bytes already written when one write lands just past the cut point', () => {
    const pool = new BufferPool();
    const out = pool.output({ maxBytes: 10, marker: Buffer.from('!!') });
    out.write('123456789'); // 9 bytes: past the cut point (8) but within maxBytes
    out.write('ab');
    expect(out.toString()).toBe('12345678!!');
    expect(out.droppedBytes).toBe(3);
  });

  test('output of exactly maxBytes is not truncated', () => {
    const pool = new BufferPool();
    const out = pool.output({ maxBytes: 10, marker: '!' });
    expect(out.write('0123456789')).toBe(true);
    expect(out.truncated).toBe(false);
    expect(out.toString()).toBe('0123456789');
  });

  test('writeFrom captures a real child process stdout', async () => {
    const pool = new BufferPool();
    const out = pool.output({ maxBytes: 4 * MB });
    const child = spawn(process.execPath, ['-e', "process.stdout.write('x'.repeat(300000) + 'end')"]);
    await Promise.all([out.writeFrom(child.stdout), once(child, 'close')]);
    expect(out.length).toBe(300_003);
    expect(out.toString().endsWith('xend')).toBe(true);
    out.release();
  });

  test('after release, reads and writes throw OutputReleasedError; release is idempotent', () => {
    const pool = new BufferPool();
    const out = pool.output({ maxBytes: KB });
    out.write('x');
    out.release();
    out[Symbol.dispose]();
    expect(() => out.write('y')).toThrow(OutputReleasedError);
    expect(() => out.bytes()).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_OUTPUT_RELEASED' }));
    expect(() => out.toString()).toThrow(OutputReleasedError);
    expect(pool.stats()).toMatchObject({ releases: 1, doubleReleases: 0 });
  });

  test('invalid options are typed errors at creation, naming the option, what it must be and what it got', () => {
    const pool = new BufferPool({ maxSize: 64 * KB });
    const code = 'PERF_BUFFER_POOL_INVALID_OPTION';
    expect(() => pool.output({ maxBytes: 0 })).toThrow(InvalidOptionError);
    expect(() => pool.output({ maxBytes: 0 })).toThrow(
      expect.objectContaining({ code, option: 'maxBytes', expected: 'a positive integer', received: 0 }),
    );
    expect(() => pool.output({ maxBytes: 128 * KB })).toThrow(
      expect.objectContaining({ code, option: 'maxBytes', received: 128 * KB }),
    );
    expect(() => pool.output({ maxBytes: 4, marker: 'long marker' })).toThrow(
      '@perf/buffer-pool: option marker must be shorter than maxBytes (4 bytes), received "long marker"',
    );
    expect(() => pool.output({ maxBytes: 4, marker: Buffer.from('long marker') })).toThrow(
      '@perf/buffer-pool: option marker must be shorter than maxBytes (4 bytes), received a Buffer of 11 bytes',
    );
    expect(() => pool.output({ maxBytes: 100, initialBytes: 200 })).toThrow(
      expect.objectContaining({ code, option: 'initialBytes', received: 200 }),
    );
  });

  test('a bytes() view taken before the output grows belongs to memory given back to the pool (debug mode detaches it)', () => {
    const pool = new BufferPool({ debug: true });
    const out = pool.output({ maxBytes: 64 * KB, initialBytes: KB });
    out.write(Buffer.alloc(1000, 1));
    const early = out.bytes();
    expect(early.length).toBe(1000);
    out.write(Buffer.alloc(1000, 2)); // grows: the first buffer goes back to the pool
    expect(pool.isLeased(early)).toBe(false);
    expect(early.length).toBe(0); // detached: it can no longer read or write the memory's next lease
    expect(out.bytes().length).toBe(2000);
    out.release();
  });

  test("maxBytes above the pool's classes works with oversize: 'allocate'", () => {
    const pool = new BufferPool({ maxSize: 4 * KB, oversize: 'allocate' });
    const out = pool.output({ maxBytes: 10 * KB, initialBytes: KB });
    out.write(Buffer.alloc(9 * KB, 1));
    expect(out.length).toBe(9 * KB);
    out.release();
    expect(pool.stats()).toMatchObject({ unpooled: 1, foreignReleases: 0 });
  });
});
