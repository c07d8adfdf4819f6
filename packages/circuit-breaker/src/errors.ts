import type { StateKind } from './state.js';

/** Base class of every error the breaker itself produces (never of the wrapped function's own errors). */
export abstract class BreakerError extends Error {
  /** Stable machine-readable code, `PERF_BREAKER_<REASON>`. */
  abstract readonly code: string;
  /** The breaker's `name` option. */
  readonly breaker: string;

  constructor(breaker: string, message: string) {
    super(message);
    this.breaker = breaker;
    this.name = new.target.name;
  }
}

/** The call was not run because the circuit is open, forced open, or half-open with every trial slot taken. */
export class BreakerOpenError extends BreakerError {
  readonly code = 'PERF_BREAKER_OPEN';
  /** The state that rejected the call. */
  readonly state: Extract<StateKind, 'open' | 'half-open' | 'forced-open'>;
  /** When (per the breaker's clock) the next trial call will be let through; `undefined` if unknown (forced open, half-open). */
  readonly retryAt: number | undefined;

  constructor(breaker: string, state: BreakerOpenError['state'], retryAt: number | undefined, now: number) {
    super(
      breaker,
      state === 'open'
        ? `circuit "${breaker}" is open after repeated failures; calls are rejected for ${Math.max(0, Math.ceil((retryAt ?? now) - now))} ms more: serve a fallback or retry after that`
        : state === 'half-open'
          ? `circuit "${breaker}" is half-open and every trial call slot is in use; retry once the trials finish`
          : `circuit "${breaker}" was forced open (isolate()/forceOpen()); calls are rejected until it is released or reset()`,
    );
    this.state = state;
    this.retryAt = retryAt;
  }
}

/** The call ran longer than `timeoutMs`; its `AbortSignal` was aborted with this error. Counts as a failure. */
export class BreakerTimeoutError extends BreakerError {
  readonly code = 'PERF_BREAKER_TIMEOUT';
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(breaker: string, timeoutMs: number) {
    super(
      breaker,
      `call through circuit "${breaker}" did not settle within ${timeoutMs} ms and was aborted; raise timeoutMs or make the call faster`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** `maxConcurrent` calls were running and the queue (`maxQueue`) was full. Not counted as a failure. */
export class BulkheadFullError extends BreakerError {
  readonly code = 'PERF_BREAKER_BULKHEAD_FULL';

  constructor(breaker: string, maxConcurrent: number, maxQueue: number) {
    super(
      breaker,
      `circuit "${breaker}" already runs ${maxConcurrent} calls with ${maxQueue} queued; shed load, retry later, or raise maxConcurrent/maxQueue`,
    );
  }
}

/** The breaker was closed with `close()`: new calls are refused and queued calls are handed back with this error. */
export class BreakerShutDownError extends BreakerError {
  readonly code = 'PERF_BREAKER_SHUT_DOWN';

  constructor(breaker: string) {
    super(breaker, `circuit "${breaker}" was shut down with close(); create a new breaker to make calls`);
  }
}

/** An option (or a snapshot passed to `restore`) was invalid; thrown by the constructor. */
export class InvalidOptionError extends BreakerError {
  readonly code = 'PERF_BREAKER_INVALID_OPTION';
  /** The offending option's name. */
  readonly option: string;

  constructor(option: string, expected: string, got: unknown) {
    super('(options)', `option ${option} must be ${expected}, got ${String(got)}; fix the value passed`);
    this.option = option;
  }
}
