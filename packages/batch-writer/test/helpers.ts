// Test doubles for the core tests: a sink that records batches and whose
// behaviour each test scripts.
import type { FlushContext, FlushResult } from '../src/index.js';

export interface RecordingSink<T> {
  readonly batches: T[][];
  readonly attempts: FlushContext[];
  readonly flush: (items: readonly T[], context: FlushContext) => Promise<FlushResult | undefined>;
  /** Next calls use this behaviour; default: succeed at once. */
  behave(fn: (items: readonly T[], context: FlushContext) => Promise<FlushResult | undefined>): void;
}

export function recordingSink<T>(): RecordingSink<T> {
  let behaviour = async (_items: readonly T[], _context: FlushContext): Promise<FlushResult | undefined> => undefined;
  const sink: RecordingSink<T> = {
    batches: [],
    attempts: [],
    flush: (items, context) => {
      sink.batches.push([...items]);
      sink.attempts.push(context);
      return behaviour(items, context);
    },
    behave(fn) {
      behaviour = fn;
    },
  };
  return sink;
}

export { type Deferred, deferred } from '@perf/testing';

/** An error the default classify retries, as node would raise on a reset socket. */
export function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}
