// Every error this package throws or rejects with: each has a stable `code`
// that callers can switch on, and a message that says what to do about it.

/** Base class of every error of @perf/batch-writer. */
export class BatchWriterError extends Error {
  /** Stable machine-readable code, `PERF_BATCH_<REASON>`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option passed to `createBatchWriter` or a sink is invalid. */
export class InvalidOptionError extends BatchWriterError {
  /** Name of the offending option. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super('PERF_BATCH_INVALID_OPTION', `Invalid option \`${option}\`: ${problem}.`);
    this.option = option;
  }
}

/** `add()` was refused because the queue holds `maxQueued` items and `whenFull` is `'throw'`. */
export class QueueFullError extends BatchWriterError {
  constructor(maxQueued: number) {
    super(
      'PERF_BATCH_QUEUE_FULL',
      `The batch writer already holds maxQueued (${maxQueued}) items: slow down, use write() to wait for space, or raise maxQueued.`,
    );
  }
}

/**
 * `write()` was refused at once because `maxWaiting` calls already wait for space in a full queue.
 * The item was not accepted (nothing to retract): write it again later, or handle the refusal.
 */
export class WaitQueueFullError extends BatchWriterError {
  constructor(maxWaiting: number) {
    super(
      'PERF_BATCH_WAIT_QUEUE_FULL',
      `The batch writer is full and maxWaiting (${maxWaiting}) write() calls already wait for space, so this item was not accepted: await earlier writes before starting more (bound the writes in progress), or raise maxWaiting.`,
    );
  }
}

/** The writer is closed (or closing): it accepts nothing more. */
export class WriterClosedError extends BatchWriterError {
  constructor() {
    super('PERF_BATCH_CLOSED', 'The batch writer is closed: create a new writer to write more items.');
  }
}

/** An item could not be written: it went to the dead-letter handler. `cause` is the sink's error. */
export class ItemFailedError extends BatchWriterError {
  constructor(cause: unknown) {
    super(
      'PERF_BATCH_ITEM_FAILED',
      `The item was not written and was dead-lettered: ${describe(cause)}. Fix the item or the sink and write it again.`,
      { cause },
    );
  }
}

/** A batch kept failing with a retryable error after every retry; its items were dead-lettered. */
export class RetriesExhaustedError extends BatchWriterError {
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(
      'PERF_BATCH_RETRIES_EXHAUSTED',
      `The sink still failed after ${attempts} attempts (${describe(cause)}): check the sink, or raise retry.retries.`,
      { cause },
    );
    this.attempts = attempts;
  }
}

/** `close({ timeoutMs })` gave up before the item was written: it was handed back in `unsent`. */
export class ItemUnsentError extends BatchWriterError {
  constructor() {
    super(
      'PERF_BATCH_UNSENT',
      'close() timed out before this item was written: it was handed back in the close() result (and kept in the spool, if any).',
    );
  }
}

/** The durable spool could not be read or written. */
export class SpoolError extends BatchWriterError {
  constructor(message: string, cause?: unknown) {
    super('PERF_BATCH_SPOOL', `${message}: check the spool directory's path, permissions and free space.`, { cause });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
