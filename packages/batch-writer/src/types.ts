// The public option, result and stats types of the batch writer.

/** What `flush` is told about the batch it is given. */
export interface FlushContext {
  /** 0 on the first attempt of these items, then 1, 2, … on retries. */
  readonly attempt: number;
}

/**
 * Optional per-item result of a flush, for sinks that learn each item's fate
 * (e.g. a Redis pipeline). Items not listed succeeded.
 */
export interface FlushResult {
  /** The items that failed, by index in the batch, with their own error. */
  readonly failed: ReadonlyArray<{ readonly index: number; readonly error: unknown }>;
}

/** Writes one batch. Throwing (or rejecting) fails the whole batch; see `classify`. */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain `async (items) => { … }` (Promise<void>) must be a valid flush.
export type FlushFn<T> = (items: readonly T[], context: FlushContext) => Promise<FlushResult | undefined | void>;

/**
 * What to do with an error of the sink:
 * - `'retry'`: transient (connection lost, deadlock…): retry the same items after a backoff.
 * - `'split'`: some item is bad: bisect the batch to isolate the bad items, dead-letter them, write the rest.
 * - `'fail'`: dead-letter all these items at once without trying further.
 */
export type ErrorVerdict = 'retry' | 'split' | 'fail';

/** An item that could not be written, with the error that stopped it. */
export interface DeadLetter<T> {
  readonly item: T;
  readonly error: unknown;
}

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

/** Options of `createBatchWriter`. */
export interface BatchWriterOptions<T> {
  /** Writes one batch to the sink (a database, a pipeline…). See the sinks `@perf/batch-writer/postgres`, `/redis`, `/sql`. */
  readonly flush: FlushFn<T>;
  /** A batch is flushed once it holds this many items. Default 1000. */
  readonly maxBatchSize?: number;
  /** A batch is flushed once its items' `sizeOf` add up to this many bytes. Requires `sizeOf`. Default: no limit. */
  readonly maxBatchBytes?: number;
  /** Size of an item in bytes, for `maxBatchBytes`. */
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
   * that fail are reported with `process.emitWarning` (code `PERF_BATCH_DEAD_LETTERED`); `write()` rejects either way.
   */
  readonly deadLetter?: (failures: ReadonlyArray<DeadLetter<T>>) => void | Promise<void>;
  /** Durable spool; off by default. */
  readonly spool?: SpoolOptions<T>;
  /** Clock in ms, for item ages. Default `Date.now`. */
  readonly now?: () => number;
  /** Random number in [0, 1) for retry jitter. Default `Math.random`; pass a seeded one in tests. */
  readonly random?: () => number;
}

/** A cheap snapshot of the writer's counters. */
export interface BatchWriterStats {
  /** Items waiting for a batch. */
  readonly queued: number;
  /** Items in batches being flushed (including retries). */
  readonly inFlight: number;
  /** Batches being flushed. */
  readonly inFlightBatches: number;
  /** `write()` calls waiting for space (at most `maxWaiting`). */
  readonly waiting: number;
  /** Items written successfully. */
  readonly flushed: number;
  /** Successful calls of `flush`. */
  readonly batches: number;
  /** Retries of failed batches. */
  readonly retries: number;
  /** Batches split to isolate bad items. */
  readonly splits: number;
  /** Items handed to the dead-letter handler. */
  readonly deadLettered: number;
  /** Items refused because the writer was full: by `add()` (queue full), or by `write()` (`maxWaiting` calls already waiting). */
  readonly rejected: number;
  /** Items replayed from the spool at start. */
  readonly replayed: number;
  /** Age in ms of the oldest item not yet written (0 when none). */
  readonly oldestAgeMs: number;
}

/** Options of `close()`. */
export interface CloseOptions {
  /** Stop waiting after this many ms: what is not yet written is handed back in `unsent`. Default: wait until drained. */
  readonly timeoutMs?: number;
}

/** What `close()` hands back. */
export interface CloseResult<T> {
  /** Accepted items that were not written because `timeoutMs` passed (still in the spool, if any). Empty after a full drain. */
  readonly unsent: readonly T[];
}
