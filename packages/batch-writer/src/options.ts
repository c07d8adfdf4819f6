// The options of a BatchWriter (and of its close()), and the one resolver that
// validates them once, at construction, so that a mistake is a typed error at
// start-up rather than a surprise under load.
import type { Backoff } from './backoff.js';
import { defaultClassify } from './classify.js';
import { InvalidOptionError } from './errors.js';
import type { DeadLetter, ErrorVerdict, FlushFn } from './types.js';

/** Retry schedule for errors classified `'retry'`. Delays are exponential with jitter. */
export interface RetryOptions {
  /** Retries after the first attempt before the items are dead-lettered. Default 5. `Infinity` retries forever. */
  readonly retries?: number;
  /** Delay before the first retry, in ms (before jitter). Default 100. */
  readonly baseDelayMs?: number;
  /** Upper bound of any retry delay, in ms. Default 10 000. */
  readonly maxDelayMs?: number;
}

/** Durable spool: accepted items are appended to files before `add`/`write` return, replayed on start. */
export interface SpoolOptions<T> {
  /** Directory of the spool's segment files (created if missing). One writer per directory. */
  readonly dir: string;
  /**
   * `'never'` (default): every append is a `write(2)` to the file, so a crash or `kill -9` of the
   * process loses nothing acknowledged (the data is in the kernel), but a power loss or kernel crash can.
   * `'always'`: `fsync(2)` after every append too, which also survives a power loss, at a few ms per item on most disks.
   */
  readonly fsync?: 'never' | 'always';
  /** A segment file is closed and a new one started past this size, in bytes. Default 4 MiB. */
  readonly segmentBytes?: number;
  /** Item → one line of text (no newline). Default `JSON.stringify`. */
  readonly serialize?: (item: T) => string;
  /** Line of text → item. Default `JSON.parse`. */
  readonly deserialize?: (line: string) => T;
}

/** Options of `new BatchWriter()`. */
export interface BatchWriterOptions<T> {
  /** Writes one batch to the sink (a database, a pipeline…). See the sinks `@perf/batch-writer/postgres`, `/redis`, `/sql`. */
  readonly flush: FlushFn<T>;
  /** Names this writer in its channel messages, `stats()` and error messages. Default `'batch-writer'`. */
  readonly name?: string;
  /** A batch is flushed once it holds this many items. Default 1000. */
  readonly maxBatchSize?: number;
  /** A batch is flushed once its items' `sizeOf` add up to this many bytes. Requires `sizeOf`. Default: no limit. */
  readonly maxBatchBytes?: number;
  /** Size of an item in bytes, for `maxBatchBytes`; must return a finite number ≥ 0. */
  readonly sizeOf?: (item: T) => number;
  /** A batch is flushed once its oldest item has waited this long, in ms. Default 10. */
  readonly maxDelayMs?: number;
  /** Most items held at once (queued plus in flight); a `write()` waiting for space keeps only its own item. Default 10 000. */
  readonly maxQueued?: number;
  /**
   * Most `write()` calls waiting for space at once, when `maxQueued` items are held. One more is refused
   * at once: its promise rejects with `WaitQueueFullError` and the item is not accepted. Each waiting call
   * keeps its item in memory, so this bounds the memory of a burst of writers like `maxQueued` bounds the
   * queue's. `0`: `write()` never waits; `Infinity`: no bound. Default: `maxQueued`.
   */
  readonly maxWaiting?: number;
  /**
   * What `add()` does when `maxQueued` items are held: `'return-false'` (default) refuses the item and
   * returns `false`; `'throw'` throws `QueueFullError`. `write()` always waits for space instead.
   */
  readonly whenFull?: 'return-false' | 'throw';
  /** Batches in flight at once. Default 1. */
  readonly concurrency?: number;
  /**
   * Key of an item for per-key ordering: with `concurrency > 1`, a batch never starts while another batch
   * holding an item of the same key is in flight, so items of one key are written in the order they were added.
   */
  readonly keyOf?: (item: T) => unknown;
  /** Retry schedule of retryable errors. */
  readonly retry?: RetryOptions;
  /** Decides what an error of `flush` means. Default: `defaultClassify` (connection and transient database errors retry; others split). */
  readonly classify?: (error: unknown) => ErrorVerdict;
  /**
   * Receives the items that could not be written, with their errors. Without it, items added with `add()`
   * that fail are reported with `process.emitWarning` (code `PERF_BATCH_WRITER_DEAD_LETTERED`); `write()` rejects either way.
   */
  readonly deadLetter?: (failures: ReadonlyArray<DeadLetter<T>>) => void | Promise<void>;
  /** Durable spool; off by default. */
  readonly spool?: SpoolOptions<T>;
  /** Clock in ms, for item ages. Default `Date.now`. */
  readonly now?: () => number;
  /** Random number in [0, 1) for retry jitter. Default `Math.random`; pass a seeded one in tests. */
  readonly random?: () => number;
}

/** Options of `close()`. */
export interface CloseOptions {
  /** Stop waiting after this many ms: what is not yet written is handed back in `unsent`. Default: wait until drained. */
  readonly timeoutMs?: number;
}

/** The spool options with every default filled in. */
export interface ResolvedSpoolOptions<T> {
  readonly dir: string;
  readonly fsync: boolean;
  readonly segmentBytes: number;
  readonly serialize: (item: T) => string;
  readonly deserialize: (line: string) => T;
}

/** The writer's options with every default filled in. */
export interface ResolvedOptions<T> {
  readonly flush: FlushFn<T>;
  readonly name: string;
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
  readonly spool: ResolvedSpoolOptions<T> | undefined;
  readonly now: () => number;
  readonly random: () => number;
}

function positiveInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(option, 'an integer ≥ 1', value);
  return value;
}

function nonNegative(option: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && value >= 0 && (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!ok)
    throw new InvalidOptionError(option, allowInfinity ? 'a number ≥ 0 or Infinity' : 'a finite number ≥ 0', value);
  return value;
}

function nonNegativeInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
    throw new InvalidOptionError(option, 'an integer ≥ 0 or Infinity', value);
  }
  return value;
}

function fn<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value;
}

function oneOf<const V extends string>(option: string, value: V | undefined, allowed: readonly V[]): V | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    throw new InvalidOptionError(option, allowed.map((v) => `'${v}'`).join(' or '), value);
  }
  return value;
}

function resolveSpool<T>(spool: SpoolOptions<T>): ResolvedSpoolOptions<T> {
  if (typeof spool !== 'object' || spool === null) {
    throw new InvalidOptionError('spool', 'an object { dir, fsync?, segmentBytes?, serialize?, deserialize? }', spool);
  }
  if (typeof spool.dir !== 'string' || spool.dir === '') {
    throw new InvalidOptionError('spool.dir', 'the path of a directory', spool.dir);
  }
  // A misspelt 'always' must not silently mean 'never': that would be durability the user believes they have.
  const fsync = oneOf('spool.fsync', spool.fsync, ['never', 'always']);
  return {
    dir: spool.dir,
    fsync: fsync === 'always',
    segmentBytes: positiveInteger('spool.segmentBytes', spool.segmentBytes, 4 * 1024 * 1024),
    serialize: fn('spool.serialize', spool.serialize) ?? JSON.stringify,
    deserialize: fn('spool.deserialize', spool.deserialize) ?? (JSON.parse as (line: string) => T),
  };
}

/** Validates `options` and fills in the defaults. Throws `InvalidOptionError` for the first invalid option. */
export function resolveOptions<T>(options: BatchWriterOptions<T>): ResolvedOptions<T> {
  if (typeof options?.flush !== 'function') {
    throw new InvalidOptionError('flush', 'the function that writes a batch (e.g. postgresSink(…))', options?.flush);
  }
  const name = options.name ?? 'batch-writer';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize, 1000);
  const maxQueued = positiveInteger('maxQueued', options.maxQueued, 10_000);
  if (maxQueued < maxBatchSize) {
    throw new InvalidOptionError('maxQueued', `an integer ≥ maxBatchSize (${maxBatchSize})`, maxQueued);
  }
  // write() calls waiting for space hold their items in memory too: bounded by default, like the queue.
  const maxWaiting = nonNegativeInteger('maxWaiting', options.maxWaiting, maxQueued);
  const sizeOf = fn('sizeOf', options.sizeOf);
  if (options.maxBatchBytes !== undefined && sizeOf === undefined) {
    throw new InvalidOptionError('sizeOf', 'a function item → bytes when maxBatchBytes is set', undefined);
  }
  const whenFull = oneOf('whenFull', options.whenFull, ['return-false', 'throw']);
  const retry = options.retry ?? {};
  const backoff: Backoff = {
    retries: nonNegative('retry.retries', retry.retries, 5, true),
    baseDelayMs: nonNegative('retry.baseDelayMs', retry.baseDelayMs, 100),
    maxDelayMs: nonNegative('retry.maxDelayMs', retry.maxDelayMs, 10_000),
  };
  return {
    flush: options.flush,
    name,
    maxBatchSize,
    maxBatchBytes: positiveInteger('maxBatchBytes', options.maxBatchBytes, Number.MAX_SAFE_INTEGER),
    sizeOf,
    maxDelayMs: nonNegative('maxDelayMs', options.maxDelayMs, 10),
    maxQueued,
    maxWaiting,
    throwWhenFull: whenFull === 'throw',
    concurrency: positiveInteger('concurrency', options.concurrency, 1),
    keyOf: fn('keyOf', options.keyOf),
    backoff,
    classify: fn('classify', options.classify) ?? defaultClassify,
    deadLetter: fn('deadLetter', options.deadLetter),
    spool: options.spool === undefined ? undefined : resolveSpool(options.spool),
    now: fn('now', options.now) ?? Date.now,
    random: fn('random', options.random) ?? Math.random,
  };
}
