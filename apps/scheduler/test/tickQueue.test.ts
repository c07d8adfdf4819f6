// The tick queue against a sorted list: whatever the order of pushes and
// requeues, pops come out earliest first, and equal ticks all come out.
import { seededRandom } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { TickQueue } from '../src/scheduler/tickQueue.js';

describe('TickQueue', () => {
  it('pops the earliest tick first over 5,000 random pushes, pops and requeues', () => {
    const random = seededRandom(19);
    const queue = new TickQueue<number>();
    const model: number[] = []; // the ticks held, kept sorted
    let nextItem = 0;
    for (let step = 0; step < 5_000; step++) {
      if (model.length === 0 || random() < 0.55) {
        const at = Math.floor(random() * 50); // few distinct ticks: many equal ones
        queue.push(at, nextItem++);
        model.push(at);
        model.sort((a, b) => a - b);
        continue;
      }
      const top = queue.pop();
      expect(top?.at).toBe(model.shift());
      if (top !== undefined && random() < 0.5) {
        const at = top.at + 1 + Math.floor(random() * 20);
        queue.requeue(top, at);
        model.push(at);
        model.sort((a, b) => a - b);
      }
      expect(queue.size).toBe(model.length);
      expect(queue.peek()?.at).toBe(model[0]);
    }
    const rest: number[] = [];
    for (let top = queue.pop(); top !== undefined; top = queue.pop()) rest.push(top.at);
    expect(rest).toEqual(model);
  });

  it('requeue moves the popped entry itself (no new object per tick)', () => {
    const queue = new TickQueue<string>();
    queue.push(10, 'a');
    queue.push(5, 'b');
    const top = queue.pop();
    expect(top?.item).toBe('b');
    queue.requeue(top!, 20);
    expect(queue.pop()?.item).toBe('a');
    expect(queue.pop()).toBe(top);
    expect(queue.pop()).toBeUndefined();
  });
});
