// Every error this package throws, rejects with or reports: a stable `code` to
// branch on and a message that says what was wrong and what to do about it.
// A loader's own errors reach the caller unchanged and are never wrapped.
import type { SecondLevelOp } from './secondLevel.js';

/** Every `code` a {@link CacheError} can carry; `switch (error.code)` narrows on it. */
export type CacheErrorCode =
  | 'PERF_CACHE_INVALID_OPTION'
  | 'PERF_CACHE_UNDEFINED_VALUE'
  | 'PERF_CACHE_INVALID_SIZE'
  | 'PERF_CACHE_LOAD_TIMEOUT'
  | 'PERF_CACHE_LOAD_ABORTED'
  | 'PERF_CACHE_CLOSED'
  | 'PERF_CACHE_SECOND_LEVEL_TIMEOUT'
  | 'PERF_CACHE_INVALIDATIONS_UNDELIVERED';

/** Base class of every error @perf/cache itself produces. */
export abstract class CacheError extends Error {
  /** Stable machine-readable code, `PERF_CACHE_<REASON>`. */
  abstract readonly code: CacheErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option passed to a constructor or a call is invalid; thrown synchronously (rejected by `warm`). */
export class InvalidOptionError extends CacheError {
  readonly code = 'PERF_CACHE_INVALID_OPTION';
  /** The offending option (`max`, `lock.ttlMs`, `namespace`, ...). */
  readonly option: string;
  /** What the option must be. */
  readonly expected: string;
  /** The value that was passed. */
  readonly received: unknown;

  constructor(option: string, expected: string, received: unknown) {
    super(`@perf/cache: option ${option} must be ${expected}, received ${describeValue(received)}`);
    this.option = option;
    this.expected = expected;
    this.received = received;
  }
}

/** `undefined` was given (or returned by a loader) as a value: it would be indistinguishable from a miss. */
export class UndefinedValueError extends CacheError {
  readonly code = 'PERF_CACHE_UNDEFINED_VALUE';
  readonly key: string;

  constructor(key: string) {
    super(
      `@perf/cache: the value for key "${key}" is undefined, which cannot be cached (a get could not tell it from a miss); return null to cache "nothing here"`,
    );
    this.key = key;
  }
}

/** `sizeCalculation` threw or returned something other than a positive integer for a value: the value is not stored. */
export class InvalidSizeError extends CacheError {
  readonly code = 'PERF_CACHE_INVALID_SIZE';
  readonly key: string;
  /** What `sizeCalculation` returned (undefined when it threw: see `cause`). */
  readonly size: unknown;

  constructor(key: string, size: unknown, cause?: unknown) {
    super(
      `@perf/cache: sizeCalculation for key "${key}" ${cause === undefined ? `returned ${describeValue(size)}` : 'threw'} instead of a positive integer; the value was not stored (fix the size function)`,
      cause === undefined ? undefined : { cause },
    );
    this.key = key;
    this.size = size;
  }
}

/** A loader ran longer than `loadTimeoutMs`; its signal was aborted with this error. */
export class LoadTimeoutError extends CacheError {
  readonly code = 'PERF_CACHE_LOAD_TIMEOUT';
  readonly key: string;
  /** The `loadTimeoutMs` that was exceeded. */
  readonly timeoutMs: number;

  constructor(key: string, timeoutMs: number) {
    super(
      `@perf/cache: the loader for key "${key}" did not settle within loadTimeoutMs=${timeoutMs}; make the loader honour its AbortSignal or raise loadTimeoutMs`,
    );
    this.key = key;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's own AbortSignal fired while it was waiting for a shared load (or the key was invalidated during a background refresh). */
export class LoadAbortedError extends CacheError {
  readonly code = 'PERF_CACHE_LOAD_ABORTED';
  readonly key: string;

  constructor(key: string, cause: unknown) {
    super(`@perf/cache: waiting for key "${key}" was aborted by the caller's signal`, { cause });
    this.key = key;
  }
}

/** The cache was closed; it accepts no more writes or loads. */
export class CacheClosedError extends CacheError {
  readonly code = 'PERF_CACHE_CLOSED';
  /** The cache's `name` option. */
  readonly cache: string;

  constructor(cache: string) {
    super(`@perf/cache: cache "${cache}" is closed; create a new Cache instead of using one after close()`);
    this.cache = cache;
  }
}

/**
 * Reported (on `perf:cache:l2-error`, never thrown) when one second-level call took longer than
 * `secondLevelTimeoutMs`: the read or write went on without the second level.
 */
export class SecondLevelTimeoutError extends CacheError {
  readonly code = 'PERF_CACHE_SECOND_LEVEL_TIMEOUT';
  /** The second-level call that timed out. */
  readonly op: SecondLevelOp;
  /** The `secondLevelTimeoutMs` that was exceeded. */
  readonly timeoutMs: number;

  constructor(op: SecondLevelOp, timeoutMs: number) {
    super(
      `@perf/cache: second level ${op} did not answer within secondLevelTimeoutMs=${timeoutMs}; the cache went on without it (check Redis latency, or raise secondLevelTimeoutMs)`,
    );
    this.op = op;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Reported (on `perf:cache:l2-error`, never thrown) when `close()` could not send invalidations the
 * second level had not taken: other instances may serve those values until their TTL.
 */
export class InvalidationsUndeliveredError extends CacheError {
  readonly code = 'PERF_CACHE_INVALIDATIONS_UNDELIVERED';
  /** How many queued invalidations were not sent. */
  readonly count: number;

  constructor(count: number) {
    super(
      `@perf/cache: close() could not send ${count} queued invalidation(s) because the second level is unreachable; other instances may serve those values until their TTL (close the cache while Redis is reachable, or clear the namespace once it is back)`,
    );
    this.count = count;
  }
}

/** A value as a reader wants it in a message: strings quoted, functions named as such, objects briefly. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) {
    return `a ${(value as object).constructor?.name || 'object'}`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'an array' : 'an object'; // circular
  }
  return json.length <= 80 ? json : `${json.slice(0, 77)}...`;
}
