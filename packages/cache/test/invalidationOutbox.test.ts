// The queue of invalidations the second level did not take: order, the bound
// and its collapse into one "clear all", and when it tries again. `send` is the
// test's own function (the real one is the cache talking to Redis, covered in
// redisOutage.test.ts); time is fake.
import { deferred, useFakeTime } from '@perf/testing';
import { describe, expect, test, vi } from 'vitest';
import { InvalidationOutbox, type QueuedInvalidation } from '../src/invalidationOutbox.js';
import type { InvalidationMessage } from '../src/secondLevel.js';

const del = (...keys: string[]): InvalidationMessage => ({ origin: 'a', keys });
const clear: InvalidationMessage = { origin: 'a', clear: true };

/** An outbox whose sends succeed while `up` is true, recording what was sent. */
function outbox(limit = 10) {
  const state = { up: false, sent: [] as { message: InvalidationMessage; apply: boolean }[] };
  const box = new InvalidationOutbox({
    limit,
    retryMs: 1_000,
    send: async (item: QueuedInvalidation) => {
      if (!state.up) return false;
      state.sent.push({ message: item.message, apply: item.apply });
      return true;
    },
  });
  return { box, state };
}

useFakeTime();

describe('InvalidationOutbox', () => {
  test('sends what it holds in order once the second level is back, and nothing twice', async () => {
    const { box, state } = outbox();
    box.push(del('a'), true);
    box.push({ origin: 'a', tag: 't' }, false);
    box.push(del('b'), true);
    await box.flush();
    expect(box.size).toBe(3);
    state.up = true;
    await box.flush();
    expect(state.sent).toEqual([
      { message: del('a'), apply: true },
      { message: { origin: 'a', tag: 't' }, apply: false },
      { message: del('b'), apply: true },
    ]);
    expect(box.size).toBe(0);
    await box.flush();
    expect(state.sent).toHaveLength(3);
  });

  test('past the bound the queue becomes one clear-all, which drops in L2 only if an item still had to', async () => {
    for (const applied of [false, true]) {
      const { box, state } = outbox(3);
      box.push(del('a'), false);
      box.push(del('b'), applied);
      box.push(del('c'), false);
      expect(box.size).toBe(3);
      box.push(del('d'), false);
      expect(box.size).toBe(1);
      expect(box.collapses).toBe(1);
      state.up = true;
      await box.flush();
      expect(state.sent).toEqual([{ message: clear, apply: applied }]);
    }
  });

  test('a clear-all covers what was queued before it and absorbs what comes after', async () => {
    const { box, state } = outbox();
    box.push(del('a'), true);
    box.push(clear, false);
    box.push(del('b'), false);
    box.push({ origin: 'a', tag: 't' }, false);
    expect(box.size).toBe(1);
    state.up = true;
    await box.flush();
    expect(state.sent).toEqual([{ message: clear, apply: true }]);
    expect(box.collapses).toBe(0); // not the bound: a clear() by the caller
  });

  test('an invalidation queued while a clear-all is being sent goes after it, not into it', async () => {
    const sending = deferred<boolean>();
    const sent: InvalidationMessage[] = [];
    const box = new InvalidationOutbox({
      limit: 10,
      retryMs: 1_000,
      send: (item) => {
        sent.push(item.message);
        return sent.length === 1 ? sending.promise : Promise.resolve(true);
      },
    });
    box.push(clear, true);
    const pass = box.flush();
    await vi.advanceTimersByTimeAsync(0);
    box.push(del('late'), true); // the clear may already have run in L2: this one must follow
    expect(box.flush()).toBe(pass); // joins the running pass
    sending.resolve(true);
    await pass;
    expect(sent).toEqual([clear, del('late')]);
    expect(box.size).toBe(0);
  });

  test('a failed attempt is retried after retryMs, or at once by flush() (the reconnect)', async () => {
    const { box, state } = outbox();
    box.defer(del('a'), true);
    state.up = true;
    await vi.advanceTimersByTimeAsync(999);
    expect(state.sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.sent).toHaveLength(1);

    state.up = false;
    box.defer(del('b'), true);
    await box.flush(); // fails: a retry is scheduled
    state.up = true;
    await box.flush(); // the reconnect comes first
    expect(state.sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0); // the pending retry was dropped
  });

  test('close() stops the retries; a last flush() still sends', async () => {
    const { box, state } = outbox();
    box.defer(del('a'), true);
    box.close();
    expect(vi.getTimerCount()).toBe(0);
    state.up = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(state.sent).toHaveLength(0);
    await box.flush();
    expect(state.sent).toHaveLength(1);
  });
});
