// Every error this package throws: a stable `code` to branch on and a message
// that says what was wrong and what to do about it.

/** Every code a @perf/rate-limit error can carry. */
export type RateLimitErrorCode =
  | 'PERF_RATE_LIMIT_INVALID_OPTION'
  | 'PERF_RATE_LIMIT_INVALID_ARGUMENT'
  | 'PERF_RATE_LIMIT_CLOSED'
  | 'PERF_RATE_LIMIT_STORE_TIMEOUT';

/** Base class of every @perf/rate-limit error. */
export abstract class RateLimitError extends Error {
  /** Stable machine-readable code, `PERF_RATE_LIMIT_<REASON>`. */
  abstract readonly code: RateLimitErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(`@perf/rate-limit: ${message}`, options);
    this.name = new.target.name;
  }
}

/** Renders a received value for a message: strings quoted, everything else as JavaScript would print it. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** An option given to a constructor was out of range; thrown synchronously by the constructor. */
export class InvalidOptionError extends RateLimitError {
  readonly code = 'PERF_RATE_LIMIT_INVALID_OPTION' as const;
  /** The offending option, e.g. `windowMs` or `lease.tokens`. */
  readonly option: string;
  /** What the option must be. */
  readonly expected: string;
  /** What was passed. */
  readonly received: unknown;

  constructor(option: string, expected: string, received: unknown) {
    super(`option ${option} must be ${expected}, received ${show(received)}`);
    this.option = option;
    this.expected = expected;
    this.received = received;
  }
}

/**
 * A call was given a key or cost that cannot be decided on: thrown at the call,
 * never answered with a silent allow.
 */
export class InvalidArgumentError extends RateLimitError {
  readonly code = 'PERF_RATE_LIMIT_INVALID_ARGUMENT' as const;
  /** `key` or `cost`. */
  readonly argument: string;
  readonly expected: string;
  readonly received: unknown;

  constructor(argument: string, expected: string, received: unknown) {
    super(`argument ${argument} must be ${expected}, received ${show(received)}`);
    this.argument = argument;
    this.expected = expected;
    this.received = received;
  }
}

/** `consume()` after `close()`: the limiter no longer decides. */
export class RateLimiterClosedError extends RateLimitError {
  readonly code = 'PERF_RATE_LIMIT_CLOSED' as const;

  constructor(name: string) {
    super(`rate limiter "${name}" was closed; create a new one instead of using it after close()`);
  }
}

/**
 * Redis did not answer within `timeoutMs`. Never thrown by `consume()`: the
 * decision falls back to the `onRedisDown` policy; the error is counted
 * (`stats().timeouts`) and published on `perf:rate-limit:store-error`.
 */
export class StoreTimeoutError extends RateLimitError {
  readonly code = 'PERF_RATE_LIMIT_STORE_TIMEOUT' as const;
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(
      `Redis did not answer within timeoutMs=${timeoutMs} ms; the decision used the onRedisDown policy (check Redis or raise timeoutMs)`,
    );
    this.timeoutMs = timeoutMs;
  }
}
