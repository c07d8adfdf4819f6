// The types of the batch writer that are not options: what a sink is given
// and returns, what classify decides, and what the writer reports and hands back.
// The options are in options.ts.

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

/** A cheap snapshot of the writer's counters. */
export interface BatchWriterStats {
  /** The writer's `name` option. */
  readonly name: string;
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

/** What `close()` hands back. */
export interface CloseResult<T> {
  /** Accepted items that were not written because `timeoutMs` passed (still in the spool, if any). Empty after a full drain. */
  readonly unsent: readonly T[];
}
