// Validates createBatchWriter's options once, at construction, so a mistake
// is a typed error at start-up rather than a surprise under load.
import type { Backoff } from './backoff.js';
import { defaultClassify } from './classify.js';
import { InvalidOptionError } from './errors.js';
import type { BatchWriterOptions, DeadLetter, ErrorVerdict, FlushFn } from './types.js';

export interface ResolvedOptions<T> {
  readonly flush: FlushFn<T>;
  readonly maxBatchSize: number;
  readonly maxBatchBytes: number;
  readonly sizeOf: ((item: T) => number) | undefined;
  readonly maxDelayMs: number;
  readonly maxQueued: number;
  readonly maxWaiting: number;
  readonly throwWhenFull: boolean;
  readonly concurrency: number;
  readonly keyOf: ((item: T) => unknown) | undefined;
  readonly backoff: Backoff;
  readonly classify: (error: unknown) => ErrorVerdict;
  readonly deadLetter: ((failures: ReadonlyArray<DeadLetter<T>>) => void | Promise<void>) | undefined;
  readonly now: () => number;
  readonly random: () => number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidOptionError(name, `expected an integer ≥ 1, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && value >= 0 && (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!ok) throw new InvalidOptionError(name, `expected a number ≥ 0, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
    throw new InvalidOptionError(name, `expected an integer ≥ 0 or Infinity, got ${value}`);
  }
  return value;
}

function fn<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(name, 'expected a function');
  return value;
}

export function resolveOptions<T>(options: BatchWriterOptions<T>): ResolvedOptions<T> {
  if (typeof options?.flush !== 'function') {
    throw new InvalidOptionError('flush', 'expected the function that writes a batch (e.g. postgresSink(...))');
  }
  const maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize, 1000);
  const maxQueued = positiveInteger('maxQueued', options.maxQueued, 10_000);
  if (maxQueued < maxBatchSize) {
    throw new InvalidOptionError('maxQueued', `must be ≥ maxBatchSize (${maxBatchSize}), got ${maxQueued}`);
  }
  // write() calls waiting for space hold their items in memory too: bounded by default, like the queue.
  const maxWaiting = nonNegativeInteger('maxWaiting', options.maxWaiting, maxQueued);
  const sizeOf = fn('sizeOf', options.sizeOf);
  if (options.maxBatchBytes !== undefined && sizeOf === undefined) {
    throw new InvalidOptionError('sizeOf', 'required with maxBatchBytes, to measure each item');
  }
  if (options.whenFull !== undefined && options.whenFull !== 'return-false' && options.whenFull !== 'throw') {
    throw new InvalidOptionError('whenFull', `expected 'return-false' or 'throw', got ${String(options.whenFull)}`);
  }
  const retry = options.retry ?? {};
  const backoff: Backoff = {
    retries: nonNegative('retry.retries', retry.retries, 5, true),
    baseDelayMs: nonNegative('retry.baseDelayMs', retry.baseDelayMs, 100),
    maxDelayMs: nonNegative('retry.maxDelayMs', retry.maxDelayMs, 10_000),
  };
  return {
    flush: options.flush,
    maxBatchSize,
    maxBatchBytes: positiveInteger('maxBatchBytes', options.maxBatchBytes, Number.MAX_SAFE_INTEGER),
    sizeOf,
    maxDelayMs: nonNegative('maxDelayMs', options.maxDelayMs, 10),
    maxQueued,
    maxWaiting,
    throwWhenFull: options.whenFull === 'throw',
    concurrency: positiveInteger('concurrency', options.concurrency, 1),
    keyOf: fn('keyOf', options.keyOf),
    backoff,
    classify: fn('classify', options.classify) ?? defaultClassify,
    deadLetter: fn('deadLetter', options.deadLetter),
    now: fn('now', options.now) ?? Date.now,
    random: fn('random', options.random) ?? Math.random,
  };
}
