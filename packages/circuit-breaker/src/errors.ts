// Every error this package throws or rejects with: a stable `code` to branch on
// and a message that says what was wrong and what to do about it. The wrapped
// function's own errors reach the caller unchanged and are never wrapped.
import type { StateKind } from './state.js';

/** Every `code` a {@link CircuitBreakerError} can carry; `switch (error.code)` narrows on it. */
export type CircuitBreakerErrorCode =
  | 'PERF_CIRCUIT_BREAKER_OPEN'
  | 'PERF_CIRCUIT_BREAKER_TIMEOUT'
  | 'PERF_CIRCUIT_BREAKER_BULKHEAD_FULL'
  | 'PERF_CIRCUIT_BREAKER_CLOSED'
  | 'PERF_CIRCUIT_BREAKER_INVALID_OPTION';

/** Base class of every error the breaker itself produces (never of the wrapped function's own errors). */
export abstract class CircuitBreakerError extends Error {
  /** Stable machine-readable code, `PERF_CIRCUIT_BREAKER_<REASON>`. */
  abstract readonly code: CircuitBreakerErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The call was not run because the circuit is open, forced open, or half-open with every trial slot taken. */
export class BreakerOpenError extends CircuitBreakerError {
  readonly code = 'PERF_CIRCUIT_BREAKER_OPEN';
  /** The breaker's `name` option. */
  readonly breaker: string;
  /** The state that rejected the call. */
  readonly state: Extract<StateKind, 'open' | 'half-open' | 'forced-open'>;
  /** When (per the breaker's clock) the next trial call will be let through; `undefined` if unknown (forced open, half-open). */
  readonly retryAt: number | undefined;

  constructor(breaker: string, state: BreakerOpenError['state'], retryAt: number | undefined, now: number) {
    super(
      state === 'open'
        ? `@perf/circuit-breaker: circuit "${breaker}" is open after repeated failures; calls are rejected for ${Math.max(0, Math.ceil((retryAt ?? now) - now))} ms more: serve a fallback or retry after that`
        : state === 'half-open'
          ? `@perf/circuit-breaker: circuit "${breaker}" is half-open and every trial call slot is in use; retry once the trials finish`
          : `@perf/circuit-breaker: circuit "${breaker}" was forced open (isolate()/forceOpen()); calls are rejected until it is released or reset()`,
    );
    this.breaker = breaker;
    this.state = state;
    this.retryAt = retryAt;
  }
}

/** The call ran longer than `timeoutMs`; its `AbortSignal` was aborted with this error. Counts as a failure. */
export class BreakerTimeoutError extends CircuitBreakerError {
  readonly code = 'PERF_CIRCUIT_BREAKER_TIMEOUT';
  /** The breaker's `name` option. */
  readonly breaker: string;
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(breaker: string, timeoutMs: number) {
    super(
      `@perf/circuit-breaker: call through circuit "${breaker}" did not settle within ${timeoutMs} ms and was aborted; raise timeoutMs or make the call faster`,
    );
    this.breaker = breaker;
    this.timeoutMs = timeoutMs;
  }
}

/** `maxConcurrent` calls were running and the queue (`maxQueue`) was full. Not counted as a failure. */
export class BulkheadFullError extends CircuitBreakerError {
  readonly code = 'PERF_CIRCUIT_BREAKER_BULKHEAD_FULL';
  /** The breaker's `name` option. */
  readonly breaker: string;

  constructor(breaker: string, maxConcurrent: number, maxQueue: number) {
    super(
      `@perf/circuit-breaker: circuit "${breaker}" already runs ${maxConcurrent} calls with ${maxQueue} queued; shed load, retry later, or raise maxConcurrent/maxQueue`,
    );
    this.breaker = breaker;
  }
}

/**
 * The breaker instance was shut down with `close()` (not to be confused with the
 * circuit's `closed` state, in which calls pass): new calls are refused and queued
 * calls are handed back with this error.
 */
export class BreakerClosedError extends CircuitBreakerError {
  readonly code = 'PERF_CIRCUIT_BREAKER_CLOSED';
  /** The breaker's `name` option. */
  readonly breaker: string;

  constructor(breaker: string) {
    super(
      `@perf/circuit-breaker: breaker "${breaker}" was shut down with close() and takes no more calls; create a new breaker to make calls`,
    );
    this.breaker = breaker;
  }
}

/** An option (or a snapshot passed to `restore`) was invalid; thrown at construction or by `restore()`. */
export class InvalidOptionError extends CircuitBreakerError {
  readonly code = 'PERF_CIRCUIT_BREAKER_INVALID_OPTION';
  /** The offending option's name (`backoff.jitter`, `CountWindow size`, ...). */
  readonly option: string;
  /** What the option must be. */
  readonly expected: string;
  /** The value that was passed. */
  readonly received: unknown;

  constructor(option: string, expected: string, received: unknown) {
    super(`@perf/circuit-breaker: option ${option} must be ${expected}, received ${describeValue(received)}`);
    this.option = option;
    this.expected = expected;
    this.received = received;
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
