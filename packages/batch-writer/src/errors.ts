// Every error this package throws or rejects with: each has a stable `code`
// that callers can switch on, and a message that says what to do about it.

/** Every `code` an error of this package can have: `switch (error.code)` is checked against it. */
export type BatchWriterErrorCode =
  | 'PERF_BATCH_WRITER_INVALID_OPTION'
  | 'PERF_BATCH_WRITER_QUEUE_FULL'
  | 'PERF_BATCH_WRITER_WAIT_QUEUE_FULL'
  | 'PERF_BATCH_WRITER_CLOSED'
  | 'PERF_BATCH_WRITER_ITEM_FAILED'
  | 'PERF_BATCH_WRITER_RETRIES_EXHAUSTED'
  | 'PERF_BATCH_WRITER_UNSENT'
  | 'PERF_BATCH_WRITER_SPOOL'
  | 'PERF_BATCH_WRITER_PIPELINE_DISCARDED';

/** Base class of every error of @perf/batch-writer; `code` is stable across versions. */
export abstract class BatchWriterError extends Error {
  /** Stable machine-readable code, `PERF_BATCH_WRITER_<REASON>`. */
  abstract readonly code: BatchWriterErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option of `new BatchWriter()` or of a sink is invalid (or `sizeOf` returned an invalid size). */
export class InvalidOptionError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_INVALID_OPTION';

  constructor(
    /** The option's path, e.g. `maxQueued` or `retry.baseDelayMs`. */
    readonly option: string,
    /** What the option must be. */
    readonly expected: string,
    /** The value that was given. */
    readonly received: unknown,
  ) {
    super(`@perf/batch-writer: option ${option} must be ${expected}, received ${describeValue(received)}`);
  }
}

/** `add()` was refused because the writer holds `maxQueued` items and `whenFull` is `'throw'`. */
export class QueueFullError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_QUEUE_FULL';

  constructor(writer: string, maxQueued: number) {
    super(
      `@perf/batch-writer: writer "${writer}" already holds maxQueued (${maxQueued}) items: slow down, use write() to wait for space, or raise maxQueued.`,
    );
  }
}

/**
 * `write()` was refused at once because `maxWaiting` calls already wait for space in a full writer.
 * The item was not accepted (nothing to retract): write it again later, or handle the refusal.
 */
export class WaitQueueFullError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_WAIT_QUEUE_FULL';

  constructor(writer: string, maxWaiting: number) {
    super(
      `@perf/batch-writer: writer "${writer}" is full and maxWaiting (${maxWaiting}) write() calls already wait for space, so this item was not accepted: await earlier writes before starting more (bound the writes in progress), or raise maxWaiting.`,
    );
  }
}

/** The writer is closed (or closing): it accepts nothing more. */
export class WriterClosedError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_CLOSED';

  constructor(writer: string) {
    super(`@perf/batch-writer: writer "${writer}" is closed: create a new BatchWriter to write more items.`);
  }
}

/** An item could not be written: it went to the dead-letter handler. `cause` is the sink's error. */
export class ItemFailedError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_ITEM_FAILED';

  constructor(writer: string, cause: unknown) {
    super(
      `@perf/batch-writer: writer "${writer}" did not write the item and dead-lettered it: ${describeError(cause)}. Fix the item or the sink and write it again.`,
      { cause },
    );
  }
}

/** A batch kept failing with a retryable error after every retry; its items were dead-lettered. */
export class RetriesExhaustedError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_RETRIES_EXHAUSTED';

  constructor(
    writer: string,
    /** How many attempts were made. */
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `@perf/batch-writer: writer "${writer}" found the sink still failing after ${attempts} attempts (${describeError(cause)}): check the sink, or raise retry.retries.`,
      { cause },
    );
  }
}

/** `close({ timeoutMs })` gave up before the item was written: it was handed back in `unsent`. */
export class ItemUnsentError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_UNSENT';

  constructor(writer: string) {
    super(
      `@perf/batch-writer: close() of writer "${writer}" timed out before this item was written: it was handed back in the close() result (and kept in the spool, if any).`,
    );
  }
}

/** The durable spool could not be read or written. */
export class SpoolError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_SPOOL';

  constructor(problem: string, cause?: unknown) {
    super(
      `@perf/batch-writer: ${problem}: check the spool directory's path, permissions and free space.`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * Redis discarded a whole pipeline (`exec()` returned null, e.g. an aborted transaction): nothing of the
 * batch is known to be written, so the default `classify` retries it (`retryable`).
 */
export class PipelineDiscardedError extends BatchWriterError {
  readonly code = 'PERF_BATCH_WRITER_PIPELINE_DISCARDED';
  /** Read by `defaultClassify`: the batch is retried. */
  readonly retryable = true;

  constructor() {
    super('@perf/batch-writer: Redis discarded the pipeline (exec() returned null); the batch will be retried.');
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A value as a message shows it: strings quoted, functions and objects named briefly. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const kind =
    value.constructor === Object || value.constructor === undefined ? 'an object' : `a ${value.constructor.name}`;
  const keys = Object.keys(value);
  if (keys.length === 0) return `${kind} with no keys`;
  return `${kind} with keys ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`;
}
