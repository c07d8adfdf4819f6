// Every error this package throws or rejects with: a stable `code` to branch on
// and a message that says what was wrong and what to do about it.

/** Base class of every @perf/cache error. */
export abstract class CacheError extends Error {
  /** Stable machine-readable code, `PERF_CACHE_<REASON>`. */
  abstract readonly code: string;
}

/** An option passed to a constructor or a call is out of range; thrown synchronously. */
export class InvalidOptionError extends CacheError {
  readonly code = 'PERF_CACHE_INVALID_OPTION' as const;
  /** Name of the offending option. */
  readonly option: string;
  constructor(option: string, problem: string) {
    super(`@perf/cache: option "${option}" ${problem}`);
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

/** `undefined` was given (or returned by a loader) as a value: it would be indistinguishable from a miss. */
export class UndefinedValueError extends CacheError {
  readonly code = 'PERF_CACHE_UNDEFINED_VALUE' as const;
  readonly key: string;
  constructor(key: string) {
    super(
      `@perf/cache: the value for key "${key}" is undefined, which cannot be cached (a get could not tell it from a miss); return null to cache "nothing here"`,
    );
    this.name = 'UndefinedValueError';
    this.key = key;
  }
}

/** `sizeCalculation` threw or returned something other than a positive integer for a value: the value is not stored. */
export class InvalidSizeError extends CacheError {
  readonly code = 'PERF_CACHE_INVALID_SIZE' as const;
  readonly key: string;
  constructor(key: string, got: unknown, cause?: unknown) {
    super(
      `@perf/cache: sizeCalculation for key "${key}" ${cause === undefined ? `returned ${String(got)}` : 'threw'} instead of a positive integer; the value was not stored (fix the size function)`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'InvalidSizeError';
    this.key = key;
  }
}

/** A loader ran longer than `loadTimeout`; its signal was aborted. */
export class LoadTimeoutError extends CacheError {
  readonly code = 'PERF_CACHE_LOAD_TIMEOUT' as const;
  readonly key: string;
  constructor(key: string, timeoutMs: number) {
    super(
      `@perf/cache: the loader for key "${key}" did not settle within loadTimeout=${timeoutMs} ms; make the loader honour its AbortSignal or raise loadTimeout`,
    );
    this.name = 'LoadTimeoutError';
    this.key = key;
  }
}

/** The cache was closed; it accepts no more writes or loads. */
export class CacheClosedError extends CacheError {
  readonly code = 'PERF_CACHE_CLOSED' as const;
  constructor() {
    super('@perf/cache: the cache is closed; create a new Cache instead of using one after close()');
    this.name = 'CacheClosedError';
  }
}

/**
 * Reported (on `perf:cache:l2-error`, never thrown) when `close()` could not send invalidations the
 * second level had not taken: other instances may serve those values until their TTL.
 */
export class InvalidationsUndeliveredError extends CacheError {
  readonly code = 'PERF_CACHE_INVALIDATIONS_UNDELIVERED' as const;
  /** How many queued invalidations were not sent. */
  readonly count: number;
  constructor(count: number) {
    super(
      `@perf/cache: close() could not send ${count} queued invalidation(s) because the second level is unreachable; other instances may serve those values until their TTL (close the cache while Redis is reachable, or clear the namespace once it is back)`,
    );
    this.name = 'InvalidationsUndeliveredError';
    this.count = count;
  }
}

/** The caller's own AbortSignal fired while it was waiting for a shared load. */
export class LoadAbortedError extends CacheError {
  readonly code = 'PERF_CACHE_LOAD_ABORTED' as const;
  readonly key: string;
  constructor(key: string, cause: unknown) {
    super(`@perf/cache: waiting for key "${key}" was aborted by the caller's signal`, { cause });
    this.name = 'LoadAbortedError';
    this.key = key;
  }
}
