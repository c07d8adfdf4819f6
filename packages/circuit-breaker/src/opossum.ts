// @perf/circuit-breaker/opossum: opossum's API on top of CircuitBreaker, for a
// one-line switch from opossum. Option and event names are opossum's own.
import { EventEmitter } from 'node:events';
import { CircuitBreaker } from './circuitBreaker.js';
import {
  BreakerClosedError,
  BreakerOpenError,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreakerError,
  InvalidOptionError,
} from './errors.js';
import { integerAtLeast, numberAtLeast } from './options.js';
import { TimeWindow } from './timeWindow.js';

/**
 * The common subset of opossum's options, with opossum's names and defaults (so the
 * durations `timeout`, `resetTimeout` and `rollingCountTimeout` are in ms without
 * saying so in their names, as in opossum).
 */
export interface OpossumOptions {
  /** Ms before a call is cut and counted as a failure; `false` disables. Default 10 000 (opossum's name). */
  readonly timeout?: number | false;
  /** Ms the circuit stays open before one trial call. Default 30 000 (opossum's name). */
  readonly resetTimeout?: number;
  /** The circuit opens when the failure percentage in the rolling window is above this. Default 50. */
  readonly errorThresholdPercentage?: number;
  /** Length of the rolling window, ms. Default 10 000 (opossum's name). */
  readonly rollingCountTimeout?: number;
  /** Buckets of the rolling window. Default 10. */
  readonly rollingCountBuckets?: number;
  /** Calls the window must hold before the circuit may open. Default 0. */
  readonly volumeThreshold?: number;
  /** Calls allowed at once; more are rejected (`semaphoreLocked`). Default unlimited. */
  readonly capacity?: number;
  /** Return true for an error that must not count as a failure (it is still rejected, and emitted as `success` like opossum). */
  readonly errorFilter?: (error: unknown, ...args: never[]) => boolean;
  /** Name in stats and errors. Default the action's name. */
  readonly name?: string;
  /** When false, calls bypass the breaker entirely. Default true. */
  readonly enabled?: boolean;
  /** Clock in ms (not in opossum; for tests). Default `Date.now`. */
  readonly now?: () => number;
}

/** Cumulative counters with opossum's names. */
export interface OpossumStats {
  /** `fire()` calls. */
  fires: number;
  /** Calls that resolved. */
  successes: number;
  /** Calls that failed or timed out (not those `errorFilter` excused). */
  failures: number;
  /** Calls refused because the circuit was open. */
  rejects: number;
  /** Calls cut by `timeout`. */
  timeouts: number;
  /** Calls answered by the fallback. */
  fallbacks: number;
  /** Calls refused because `capacity` calls were running. */
  semaphoreRejections: number;
}

type Fallback = (...argsThenError: unknown[]) => unknown;

/**
 * Drop-in for opossum's `CircuitBreaker` (`fire`, `fallback`, `open`/`close`,
 * `shutdown`, and the events `fire success failure timeout reject open
 * halfOpen close fallback semaphoreLocked shutdown`), backed by
 * {@link CircuitBreaker} with a {@link TimeWindow}. Errors it raises are this
 * package's (`code` `PERF_CIRCUIT_BREAKER_*`, not opossum's `EOPENBREAKER`...).
 */
export class OpossumBreaker<TArgs extends unknown[] = unknown[], TResult = unknown> extends EventEmitter {
  /** True for errors the breaker raised rather than the action. */
  static isOurError(error: unknown): boolean {
    return error instanceof CircuitBreakerError;
  }

  /** The breaker underneath, for `stats()`, `snapshot()` and the rest of the native API. */
  readonly breaker: CircuitBreaker;
  readonly #action: (...args: TArgs) => TResult | PromiseLike<TResult>;
  readonly #name: string;
  /** 0 with `timeout: false`. */
  readonly #timeoutMs: number;
  readonly #resetTimeout: number;
  readonly #errorFilter: (error: unknown, ...args: TArgs) => boolean;
  readonly #now: () => number;
  /** Errors `errorFilter` excused, so the breaker does not count them. */
  readonly #excused = new WeakSet<object>();
  readonly #stats: OpossumStats = {
    fires: 0,
    successes: 0,
    failures: 0,
    rejects: 0,
    timeouts: 0,
    fallbacks: 0,
    semaphoreRejections: 0,
  };
  #fallback: Fallback | undefined;
  #enabled: boolean;
  #shutdown = false;
  #halfOpenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(action: (...args: TArgs) => TResult | PromiseLike<TResult>, options: OpossumOptions = {}) {
    super();
    if (typeof action !== 'function') throw new InvalidOptionError('action', 'a function', action);
    this.#action = action;
    this.#name = options.name ?? (action.name || 'breaker');
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeout === false ? 0 : numberAtLeast('timeout', options.timeout ?? 10_000, 1);
    this.#resetTimeout = numberAtLeast('resetTimeout', options.resetTimeout ?? 30_000, 0);
    this.#errorFilter =
      (options.errorFilter as ((error: unknown, ...args: TArgs) => boolean) | undefined) ?? (() => false);
    this.#enabled = options.enabled !== false;
    const threshold = numberAtLeast('errorThresholdPercentage', options.errorThresholdPercentage ?? 50, 0);
    const volume = integerAtLeast('volumeThreshold', options.volumeThreshold ?? 0, 0);
    this.breaker = new CircuitBreaker({
      name: this.#name,
      strategy: new TimeWindow({
        windowMs: options.rollingCountTimeout ?? 10_000,
        buckets: options.rollingCountBuckets ?? 10,
        // opossum opens when the rate is strictly above the threshold; the window opens at or above.
        failureRateThreshold: Math.min(100, threshold + 1e-9),
        minimumCalls: Math.max(1, volume),
      }),
      halfOpenAfterMs: this.#resetTimeout,
      ...(options.capacity === undefined ? {} : { maxConcurrent: options.capacity }),
      isFailure: (error) => !(typeof error === 'object' && error !== null && this.#excused.has(error)),
      now: this.#now,
    });
    this.breaker.onStateChange((to) => {
      if (to.kind === 'open') {
        this.emit('open');
        // Like opossum, announce half-open when the wait ends, not on the next call.
        clearTimeout(this.#halfOpenTimer);
        this.#halfOpenTimer = setTimeout(() => this.breaker.state, Math.max(0, to.retryAt - this.#now()));
        this.#halfOpenTimer.unref?.();
      } else if (to.kind === 'half-open') {
        this.emit('halfOpen', this.#resetTimeout);
      } else if (to.kind === 'closed') {
        clearTimeout(this.#halfOpenTimer);
        this.emit('close');
      }
    });
  }

  /** Calls the action through the breaker. */
  fire(...args: TArgs): Promise<TResult> {
    if (this.#shutdown) return Promise.reject(new BreakerClosedError(this.#name));
    void this.breaker.state; // a due half-open transition is announced before 'fire'
    this.#stats.fires++;
    this.emit('fire', args);
    if (!this.#enabled) {
      try {
        return Promise.resolve(this.#action(...args));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const start = this.#now();
    return this.breaker
      .execute(() => this.#attempt(args, start))
      .then(
        (value) => {
          // After the breaker recorded it, so a closing trial emits 'close' before 'success', as opossum does.
          this.#stats.successes++;
          this.emit('success', value, this.#now() - start);
          return value;
        },
        (error: unknown) => this.#afterError(error, args),
      );
  }

  /**
   * Runs the action once, emitting failure/timeout before the breaker records the outcome (opossum's order).
   * Its own timer rather than `Timeout.run`: the action takes no signal and the events need the call's
   * arguments, and going through `Timeout.run` (a closure and a record per call) measured +86 ns per timed fire().
   */
  #attempt(args: TArgs, start: number): Promise<TResult> {
    let result: Promise<TResult>;
    try {
      result = Promise.resolve(this.#action(...args));
    } catch (error) {
      result = Promise.reject(error);
    }
    // Inline arrows only: named per-call closures cost a defineProperty each under some transpilers (keepNames).
    if (this.#timeoutMs === 0) {
      return result.then(undefined, (error: unknown) => {
        throw this.#actionFailed(error, args, start);
      });
    }
    return new Promise<TResult>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        const error = new BreakerTimeoutError(this.#name, this.#timeoutMs);
        const latency = this.#now() - start;
        this.#stats.timeouts++;
        this.emit('timeout', error, latency, args);
        this.#stats.failures++;
        this.emit('failure', error, latency, args);
        reject(error);
      }, this.#timeoutMs);
      timer.unref?.();
      result.then(
        (value) => {
          if (timedOut) return;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (timedOut) return;
          clearTimeout(timer);
          reject(this.#actionFailed(error, args, start));
        },
      );
    });
  }

  /** Emits `failure` (or `success` for an error `errorFilter` excuses, like opossum) and hands the error back. */
  #actionFailed(error: unknown, args: TArgs, start: number): unknown {
    const latency = this.#now() - start;
    if (this.#errorFilter(error, ...args)) {
      if (typeof error === 'object' && error !== null) this.#excused.add(error);
      this.emit('success', error, latency);
    } else {
      this.#stats.failures++;
      this.emit('failure', error, latency, args);
    }
    return error;
  }

  #afterError(error: unknown, args: TArgs): TResult | Promise<TResult> {
    if (error instanceof BreakerOpenError) {
      this.#stats.rejects++;
      this.emit('reject', error);
    } else if (error instanceof BulkheadFullError) {
      this.#stats.semaphoreRejections++;
      this.emit('semaphoreLocked', error, 0);
    } else if (typeof error === 'object' && error !== null && this.#excused.has(error)) {
      throw error; // excused errors reach the caller untouched, without fallback
    }
    const fallback = this.#fallback;
    if (fallback === undefined) throw error;
    const result = fallback(...args, error);
    this.#stats.fallbacks++;
    this.emit('fallback', result, error);
    return result as TResult | Promise<TResult>;
  }

  /** Sets the function called with `(...args, error)` when a call fails or is rejected. */
  fallback(fn: Fallback): this {
    this.#fallback = fn;
    return this;
  }

  /** Opens the circuit now; one trial call is allowed after `resetTimeout`. */
  open(): void {
    if (!this.opened) this.breaker.trip();
  }

  /** Closes the circuit now. */
  close(): void {
    if (!this.closed) this.breaker.reset();
  }

  /** Stops the breaker for good: further `fire` calls reject, timers are cleared, listeners removed. */
  shutdown(): void {
    this.emit('shutdown');
    this.#shutdown = true;
    clearTimeout(this.#halfOpenTimer);
    void this.breaker.close();
    this.removeAllListeners();
  }

  /** `shutdown()`, then resolves once running calls have settled (`await using`; opossum has no equivalent). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#shutdown) this.shutdown();
    await this.breaker.close();
  }

  enable(): void {
    this.#enabled = true;
  }

  disable(): void {
    this.#enabled = false;
  }

  get name(): string {
    return this.#name;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get isShutdown(): boolean {
    return this.#shutdown;
  }

  get opened(): boolean {
    const kind = this.breaker.state.kind;
    return kind === 'open' || kind === 'forced-open';
  }

  get closed(): boolean {
    const kind = this.breaker.state.kind;
    return kind === 'closed' || kind === 'forced-closed';
  }

  get halfOpen(): boolean {
    return this.breaker.state.kind === 'half-open';
  }

  /** Cumulative counters since construction (opossum's are per rolling window). */
  get stats(): OpossumStats {
    return { ...this.#stats };
  }
}
