// The one-timer timeout queue, on fake timers.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { Deadlines } from '../src/deadlines.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

test('a call that does not settle in time times out, once; a settled one never does', () => {
  const d = new Deadlines(100);
  const timedOut: string[] = [];
  const a = d.start(() => timedOut.push('a'));
  vi.advanceTimersByTime(50);
  const b = d.start(() => timedOut.push('b'));
  a.settled = true;
  vi.advanceTimersByTime(60);
  expect(timedOut).toEqual([]);
  vi.advanceTimersByTime(50);
  expect(timedOut).toEqual(['b']);
  expect(b.settled).toBe(true);
  vi.advanceTimersByTime(1000);
  expect(timedOut).toEqual(['b']);
});

test('settled calls do not pile up while the timer waits', () => {
  const d = new Deadlines(30_000);
  for (let i = 0; i < 100_000; i++) d.start(() => {}).settled = true;
  expect(d.size).toBe(1);
  const stuck = d.start(() => {});
  for (let i = 0; i < 10; i++) d.start(() => {}).settled = true;
  expect(d.size).toBe(11); // from the oldest unsettled call on
  stuck.settled = true;
  d.start(() => {});
  expect(d.size).toBe(1);
  d.stop();
});

test('no timer once nothing is pending', () => {
  const d = new Deadlines(100);
  d.start(() => {}).settled = true;
  vi.advanceTimersByTime(100);
  expect(vi.getTimerCount()).toBe(0);
});
