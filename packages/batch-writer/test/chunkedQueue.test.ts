import { describe, expect, it } from 'vitest';
import { ChunkedQueue } from '../src/chunkedQueue.js';

describe('ChunkedQueue', () => {
  it('is first in, first out across many chunks, interleaving push and shift', () => {
    const queue = new ChunkedQueue<number>();
    const out: number[] = [];
    let next = 0;
    // Grows past several chunks, shrinks, grows again: every chunk boundary is crossed both ways.
    for (const [pushes, shifts] of [
      [5000, 3000],
      [10, 2000],
      [3000, 100],
      [0, 2910],
    ] as const) {
      for (let i = 0; i < pushes; i++) queue.push(next++);
      for (let i = 0; i < shifts; i++) out.push(queue.shift()!);
    }
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it('counts its length and is reused once emptied', () => {
    const queue = new ChunkedQueue<string>();
    expect(queue.length).toBe(0);
    queue.push('a');
    queue.push('b');
    expect(queue.length).toBe(2);
    expect(queue.shift()).toBe('a');
    expect(queue.shift()).toBe('b');
    queue.push('c');
    expect(queue.length).toBe(1);
    expect(queue.shift()).toBe('c');
  });

  it('drain() removes every value, oldest first', () => {
    const queue = new ChunkedQueue<number>();
    for (let i = 0; i < 2500; i++) queue.push(i);
    expect([...queue.drain()]).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(queue.length).toBe(0);
  });
});
