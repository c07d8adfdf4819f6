// The stop of a run: watchers are told once, an AbortSignal asked for before
// or after the stop carries the same reason, and an unwatched callback is
// not called.
import { describe, expect, it } from 'vitest';
import { AttemptTimeout } from '../src/runtime/run.js';
import { StopSource } from '../src/runtime/stop.js';

describe('StopSource', () => {
  it('tells each watcher once, with the reason; a watcher that left is not told', () => {
    const stop = new StopSource();
    const told: string[] = [];
    stop.watch(() => told.push('a'));
    const leave = stop.watch(() => told.push('b'));
    leave();
    expect(stop.aborted).toBe(false);
    const reason = new AttemptTimeout(50);
    stop.stop(reason);
    stop.stop(new Error('second stop is ignored'));
    expect(told).toEqual(['a']);
    expect(stop.reason).toBe(reason);
    stop.watch(() => told.push('late')); // after the stop: told at once
    expect(told).toEqual(['a', 'late']);
  });

  it('gives an AbortSignal that aborts with the same reason, asked for before or after the stop', () => {
    const before = new StopSource();
    const signal = before.signal;
    let aborted: unknown;
    signal.addEventListener('abort', () => {
      aborted = signal.reason;
    });
    const reason = new AttemptTimeout(50);
    before.stop(reason);
    expect(aborted).toBe(reason);

    const after = new StopSource();
    after.stop(reason);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(reason);
    expect(after.signal).toBe(after.signal);
  });
});
