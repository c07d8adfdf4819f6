// Every option of this package, its documentation, and the resolvers that turn
// a bad option into an InvalidOptionError at construction, never odd behaviour
// later: each constructor resolves its options once and keeps the result.
import { ConsecutiveFailures } from './consecutiveFailures.js';
import { InvalidOptionError } from './errors.js';
import type { BreakerSnapshot } from './state.js';
import type { BreakerStrategy } from './strategy.js';

/** Exponential backoff of the open-state wait, for circuits that keep failing their trials. */
export interface BackoffOptions {
  /** Each consecutive opening waits this many times longer than the previous one. Default 2. */
  readonly multiplier?: number;
  /** Upper bound on the wait, in ms. Default 10 × `halfOpenAfterMs`. */
  readonly maxMs?: number;
  /** Spread each wait by ± this fraction (0–1) so many clients do not retry in step. Default 0. */
  readonly jitter?: number;
}

/** Options of `new CircuitBreaker(options)`. */
export interface CircuitBreakerOptions {
  /** Name used in error messages, `stats()` and diagnostics_channel messages. Default `'breaker'`. */
  readonly name?: string;
  /** When to open: `ConsecutiveFailures`, `CountWindow`, `TimeWindow` or your own. Default `new ConsecutiveFailures(5)`. */
  readonly strategy?: BreakerStrategy;
  /** How long the circuit stays open before letting trial calls through, in ms. Default 30 000. */
  readonly halfOpenAfterMs?: number;
  /** Grow the open-state wait exponentially (with optional jitter) while trials keep failing. Default: a constant wait. */
  readonly backoff?: BackoffOptions;
  /** Trial calls let through per half-open period; never more run at once. Default 1. */
  readonly halfOpenPermittedCalls?: number;
  /** Successful trials that close the circuit (at most `halfOpenPermittedCalls`). Default `halfOpenPermittedCalls`. */
  readonly halfOpenSuccessThreshold?: number;
  /** Abort a call (through its `AbortSignal`) and count it as a failure after this many ms. Default: no timeout, no timer per call. */
  readonly timeoutMs?: number;
  /** Bulkhead: calls allowed to run at once. Default `Infinity`. */
  readonly maxConcurrent?: number;
  /** Bulkhead: calls allowed to wait for a free slot beyond `maxConcurrent`; more are rejected. Default 0. */
  readonly maxQueue?: number;
  /** Decides whether an error counts as a failure; return false for errors the caller caused (see `exceptClientErrors`). Default: every error counts. */
  readonly isFailure?: (error: unknown) => boolean;
  /** The clock, in ms. Default `Date.now` (wall time, so snapshots survive restarts). */
  readonly now?: () => number;
  /** Random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Start from a state saved with `snapshot()`. */
  readonly restore?: BreakerSnapshot;
}

/** Per-call options of `CircuitBreaker.execute`. */
export interface ExecuteOptions<F> {
  /** The caller's signal: aborting it aborts the call and removes it from the bulkhead queue. */
  readonly signal?: AbortSignal;
  /** Value to return instead of an error the breaker raised (open, bulkhead full, timeout, closed) or counts as a failure. Ignored errors are never replaced. */
  readonly fallback?: (error: unknown) => F | PromiseLike<F>;
}

/** The resilience4j-style rules shared by the sliding-window strategies. */
export interface RateThresholdOptions {
  /** Failure rate (percent, (0, 100]) at or above which the circuit opens. Default 50. */
  readonly failureRateThreshold?: number;
  /** Slow-call rate (percent, (0, 100]) at or above which the circuit opens. Default 100. Needs `slowCallDurationMs`. */
  readonly slowCallRateThreshold?: number;
  /** A call taking at least this many ms counts as slow. Default `Infinity` (slow calls are not tracked, calls are not timed). */
  readonly slowCallDurationMs?: number;
  /** No rate applies until the window holds at least this many calls. Default 100 (capped at a count window's size). */
  readonly minimumCalls?: number;
}

/** Options of `new CountWindow(options)`. */
export interface CountWindowOptions extends RateThresholdOptions {
  /** How many of the most recent calls the window holds. Default 100. */
  readonly size?: number;
}

/** Options of `new TimeWindow(options)`. */
export interface TimeWindowOptions extends RateThresholdOptions {
  /** Length of the window in ms. Default 60 000. */
  readonly windowMs?: number;
  /** Buckets the window is cut into (its resolution); memory is fixed at 3 counters per bucket. Default 60. */
  readonly buckets?: number;
}

/** {@link CircuitBreakerOptions} with every default filled in and every value checked. */
export interface ResolvedOptions {
  readonly name: string;
  readonly strategy: BreakerStrategy;
  readonly halfOpenAfterMs: number;
  readonly backoff: Required<BackoffOptions>;
  readonly halfOpenPermittedCalls: number;
  readonly halfOpenSuccessThreshold: number;
  /** 0 when there is no timeout. */
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly isFailure: (error: unknown) => boolean;
  readonly now: () => number;
  readonly random: () => number;
  readonly restore: BreakerSnapshot | undefined;
}

const countsEveryError = (): boolean => true;

/** Checks `options` once, at construction, and fills in the defaults. */
export function resolveOptions(options: CircuitBreakerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of CircuitBreakerOptions', options);
  }
  const name = options.name ?? 'breaker';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const strategy = options.strategy ?? new ConsecutiveFailures(5);
  if (typeof strategy?.record !== 'function') {
    throw new InvalidOptionError(
      'strategy',
      'a BreakerStrategy (ConsecutiveFailures, CountWindow, TimeWindow)',
      strategy,
    );
  }
  const halfOpenAfterMs = numberAtLeast('halfOpenAfterMs', options.halfOpenAfterMs ?? 30_000, 0);
  const halfOpenPermittedCalls = integerAtLeast('halfOpenPermittedCalls', options.halfOpenPermittedCalls ?? 1, 1);
  const halfOpenSuccessThreshold = integerAtLeast(
    'halfOpenSuccessThreshold',
    options.halfOpenSuccessThreshold ?? halfOpenPermittedCalls,
    1,
  );
  if (halfOpenSuccessThreshold > halfOpenPermittedCalls) {
    throw new InvalidOptionError(
      'halfOpenSuccessThreshold',
      `at most halfOpenPermittedCalls (${halfOpenPermittedCalls})`,
      halfOpenSuccessThreshold,
    );
  }
  const maxConcurrent = options.maxConcurrent ?? Number.POSITIVE_INFINITY;
  return {
    name,
    strategy,
    halfOpenAfterMs,
    backoff: resolveBackoff(options.backoff, halfOpenAfterMs),
    halfOpenPermittedCalls,
    halfOpenSuccessThreshold,
    timeoutMs: options.timeoutMs === undefined ? 0 : numberAtLeast('timeoutMs', options.timeoutMs, 1),
    maxConcurrent:
      maxConcurrent === Number.POSITIVE_INFINITY ? maxConcurrent : integerAtLeast('maxConcurrent', maxConcurrent, 1),
    maxQueue: integerAtLeast('maxQueue', options.maxQueue ?? 0, 0),
    isFailure: aFunction('isFailure', options.isFailure ?? countsEveryError),
    now: aFunction('now', options.now ?? Date.now),
    random: aFunction('random', options.random ?? Math.random),
    restore: options.restore,
  };
}

function resolveBackoff(backoff: BackoffOptions | undefined, baseMs: number): Required<BackoffOptions> {
  // Without `backoff` every opening waits the same: a multiplier of 1.
  const multiplier = numberAtLeast('backoff.multiplier', backoff?.multiplier ?? (backoff ? 2 : 1), 1);
  const maxMs = numberAtLeast('backoff.maxMs', backoff?.maxMs ?? baseMs * 10, baseMs);
  const jitter = backoff?.jitter ?? 0;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new InvalidOptionError('backoff.jitter', 'a fraction in [0, 1]', jitter);
  }
  return { multiplier, maxMs, jitter };
}

/** {@link RateThresholdOptions} checked, with defaults; `prefix` names the strategy in errors. */
export function resolveRateThresholds(
  prefix: string,
  options: RateThresholdOptions,
  defaultMinimumCalls: number,
): Required<RateThresholdOptions> {
  return {
    failureRateThreshold: percentage(`${prefix} failureRateThreshold`, options.failureRateThreshold ?? 50),
    slowCallRateThreshold: percentage(`${prefix} slowCallRateThreshold`, options.slowCallRateThreshold ?? 100),
    slowCallDurationMs: numberAtLeast(
      `${prefix} slowCallDurationMs`,
      options.slowCallDurationMs ?? Number.POSITIVE_INFINITY,
      0,
      true,
    ),
    minimumCalls: numberAtLeast(`${prefix} minimumCalls`, options.minimumCalls ?? defaultMinimumCalls, 1),
  };
}

/** {@link CountWindowOptions} checked, with defaults. */
export function resolveCountWindow(options: CountWindowOptions): Required<CountWindowOptions> {
  const size = integerAtLeast('CountWindow size', options.size ?? 100, 1);
  const rates = resolveRateThresholds('CountWindow', options, Math.min(100, size));
  if (rates.minimumCalls > size) {
    throw new InvalidOptionError('CountWindow minimumCalls', `at most size (${size})`, rates.minimumCalls);
  }
  return { ...rates, size };
}

/** {@link TimeWindowOptions} checked, with defaults. */
export function resolveTimeWindow(options: TimeWindowOptions): Required<TimeWindowOptions> {
  return {
    ...resolveRateThresholds('TimeWindow', options, 100),
    windowMs: numberAtLeast('TimeWindow windowMs', options.windowMs ?? 60_000, 1),
    buckets: integerAtLeast('TimeWindow buckets', options.buckets ?? 60, 1),
  };
}

// The checks every option goes through, so each fails with the same kind of error.

export function integerAtLeast(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidOptionError(option, `an integer >= ${min}`, value);
  return value;
}

export function numberAtLeast(option: string, value: number, min: number, orInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || (!orInfinity && !Number.isFinite(value))) {
    throw new InvalidOptionError(option, `a${orInfinity ? '' : ' finite'} number >= ${min}`, value);
  }
  return value;
}

function percentage(option: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 100)) {
    throw new InvalidOptionError(option, 'a percentage in (0, 100]', value);
  }
  return value;
}

function aFunction<F>(option: string, value: F): F {
  if (typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value;
}
