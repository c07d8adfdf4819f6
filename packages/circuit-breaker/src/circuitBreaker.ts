import { failureChannel, rejectChannel, stateChannel, successChannel, timeoutChannel } from './channels.js';
import { ConsecutiveFailures } from './consecutiveFailures.js';
import {
  BreakerError,
  BreakerOpenError,
  BreakerShutDownError,
  BreakerTimeoutError,
  BulkheadFullError,
  InvalidOptionError,
} from './errors.js';
import { type BackoffOptions, OpenDuration } from './openDuration.js';
import type { BreakerState, StateKind } from './state.js';
import type { BreakerStrategy, StrategySnapshot } from './strategy.js';
import { integerAtLeast, numberAtLeast } from './validate.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Name used in error messages, stats and diagnostics_channel messages. Default `'breaker'`. */
  readonly name?: string;
  /** When to open: {@link ConsecutiveFailures}, {@link CountWindow}, {@link TimeWindow} or your own. Default `new ConsecutiveFailures(5)`. */
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

/** Per-call options of {@link CircuitBreaker.execute}. */
export interface ExecuteOptions<F> {
  /** The caller's signal: aborting it aborts the call and removes it from the bulkhead queue. */
  readonly signal?: AbortSignal;
  /** Value to return instead of an error the breaker raised (open, bulkhead full, timeout, shut down) or counts as a failure. Ignored errors are never replaced. */
  readonly fallback?: (error: unknown) => F | PromiseLike<F>;
}

/** Counters since construction plus the current state, as a plain object. */
export interface BreakerStats {
  /** `execute` invocations. */
  readonly calls: number;
  /** Calls that resolved. */
  readonly successes: number;
  /** Errors counted as failures (timeouts included). */
  readonly failures: number;
  /** Errors that `isFailure` declared not to be failures. */
  readonly ignored: number;
  /** Calls refused without running: circuit open or bulkhead full. */
  readonly rejections: number;
  /** Calls cut by `timeoutMs` (also counted in `failures`). */
  readonly timeouts: number;
  /** Calls at least `slowCallDurationMs` long (only tracked when the strategy sets it). */
  readonly slowCalls: number;
  /** Calls running now. */
  readonly inFlight: number;
  /** Calls waiting in the bulkhead queue. */
  readonly queued: number;
  /** The current state's `kind`. */
  readonly state: StateKind;
  /** When the current state began (breaker clock). */
  readonly since: number;
}

/** Everything needed to carry the breaker's state across a restart; plain JSON. */
export interface BreakerSnapshot {
  /** Format version; `restore` refuses others. */
  readonly version: 1;
  /** The state when the snapshot was taken. */
  readonly state: BreakerState;
  /** The strategy's counters. */
  readonly strategy: StrategySnapshot;
}

/** Called synchronously on every state change. */
export type StateListener = (to: BreakerState, from: BreakerState) => void;

/** Handle returned by `isolate()`; the circuit stays forced open until every handle is released. */
export interface Isolation {
  /** Ends this isolation; idempotent. */
  release(): void;
  [Symbol.dispose](): void;
}

interface Waiter {
  resume(): void;
  abandon(error: unknown): void;
}

// One shared signal for calls without timeout or caller signal: no allocation per call.
const NEVER_ABORTED = new AbortController().signal;
const noop = (): void => {};
const STATE_KINDS: ReadonlySet<string> = new Set(['closed', 'open', 'half-open', 'forced-open', 'forced-closed']);

/**
 * A circuit breaker with bulkhead, timeout and fallback. Closed → open when
 * the strategy says so; open → half-open once `halfOpenAfterMs` has passed
 * (checked lazily on the next call or `state` read: no timers); half-open →
 * closed after enough successful trials, or open again on a failed one.
 */
export class CircuitBreaker {
  readonly name: string;
  readonly #strategy: BreakerStrategy;
  readonly #openDuration: OpenDuration;
  readonly #permitted: number;
  readonly #successThreshold: number;
  readonly #timeoutMs: number;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #now: () => number;
  readonly #slowMs: number;
  readonly #measures: boolean;
  readonly #strategyTime: boolean;

  #state: BreakerState;
  /** Bumped on every transition, so a call settling after one does not count in the new state. */
  #epoch = 0;
  /** Closed, no timeout, no durations, not shut down: the allocation-free path applies. */
  #fast = false;
  /** `#state.kind === 'closed'`, kept as one boolean so a settling call checks a single field. */
  #closed = true;
  /** As `#fast`, but with `timeoutMs` set: the timed path without the two async frames of `#executeSlow`. */
  #fastTimed = false;
  #trials = 0;
  #trialSuccesses = 0;
  #isolations = 0;
  /** The forced-open state `isolate()` created; its handles act only while it is the current state. */
  #isolation: BreakerState | undefined;
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  #shutDown = false;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  readonly #listeners: StateListener[] = [];
  /** Transitions not yet announced: a listener that changes the state is announced after the current one, in order. */
  readonly #announcements: Array<[to: BreakerState, from: BreakerState]> = [];
  #announcing = false;

  #calls = 0;
  #successes = 0;
  #failures = 0;
  #ignored = 0;
  #rejections = 0;
  #timeouts = 0;
  #slowCalls = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.name = options.name ?? 'breaker';
    const strategy = options.strategy ?? new ConsecutiveFailures(5);
    if (typeof strategy?.record !== 'function') {
      throw new InvalidOptionError(
        'strategy',
        'a BreakerStrategy (ConsecutiveFailures, CountWindow, TimeWindow)',
        strategy,
      );
    }
    this.#strategy = strategy;
    this.#now = options.now ?? Date.now;
    this.#openDuration = new OpenDuration(
      options.halfOpenAfterMs ?? 30_000,
      options.backoff,
      options.random ?? Math.random,
    );
    this.#permitted = integerAtLeast('halfOpenPermittedCalls', options.halfOpenPermittedCalls ?? 1, 1);
    this.#successThreshold = integerAtLeast(
      'halfOpenSuccessThreshold',
      options.halfOpenSuccessThreshold ?? this.#permitted,
      1,
    );
    if (this.#successThreshold > this.#permitted) {
      throw new InvalidOptionError(
        'halfOpenSuccessThreshold',
        `at most halfOpenPermittedCalls (${this.#permitted})`,
        this.#successThreshold,
      );
    }
    this.#timeoutMs = options.timeoutMs === undefined ? 0 : numberAtLeast('timeoutMs', options.timeoutMs, 1);
    const maxConcurrent = options.maxConcurrent ?? Number.POSITIVE_INFINITY;
    this.#maxConcurrent =
      maxConcurrent === Number.POSITIVE_INFINITY ? maxConcurrent : integerAtLeast('maxConcurrent', maxConcurrent, 1);
    this.#maxQueue = integerAtLeast('maxQueue', options.maxQueue ?? 0, 0);
    const isFailure = options.isFailure ?? (() => true);
    if (typeof isFailure !== 'function') throw new InvalidOptionError('isFailure', 'a function', isFailure);
    this.#isFailure = isFailure;
    this.#slowMs = strategy.slowCallDurationMs;
    this.#measures = Number.isFinite(this.#slowMs);
    this.#strategyTime = strategy.needsTime;
    this.#state = { kind: 'closed', since: this.#now() };
    this.#updateFast();
    if (options.restore !== undefined) this.restore(options.restore);
  }

  /**
   * Runs `fn` through the breaker. `fn` receives an `AbortSignal` that aborts
   * on timeout or when the caller's signal aborts. Rejects with
   * `BreakerOpenError`, `BulkheadFullError`, `BreakerTimeoutError` or
   * `BreakerShutDownError` when the breaker refused or cut the call, and with
   * `fn`'s own error otherwise.
   */
  execute<T>(fn: (signal: AbortSignal) => PromiseLike<T>): Promise<T>;
  execute<T, F = T>(fn: (signal: AbortSignal) => PromiseLike<T>, options: ExecuteOptions<F>): Promise<T | F>;
  execute<T, F>(fn: (signal: AbortSignal) => PromiseLike<T>, options?: ExecuteOptions<F>): Promise<T | F> {
    this.#calls++;
    if (this.#fast && options === undefined && this.#inFlight < this.#maxConcurrent) {
      // Hot path: no closure, no timer, no extra promise beyond the one `then` returns.
      this.#inFlight++;
      let result: PromiseLike<T>;
      try {
        result = fn(NEVER_ABORTED);
      } catch (error) {
        result = Promise.reject(error);
      }
      const promise = result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
      // Bookkeeping hangs off the call's own promise, which goes back to the caller
      // untouched: our handlers run first (registered first) and cost no extra tick.
      promise.then(this.#onFastSuccess, this.#onFastFailure);
      return promise;
    }
    if (this.#fastTimed && options === undefined && this.#inFlight < this.#maxConcurrent) {
      this.#inFlight++;
      return this.#executeTimed(fn);
    }
    return this.#executeSlow(fn, options);
  }

  /**
   * What `#run` does for a closed circuit with a timeout, no caller signal and a free slot
   * (not a trial, no duration to measure), settled from callbacks instead of `await`s.
   */
  #executeTimed<T>(fn: (signal: AbortSignal) => PromiseLike<T>): Promise<T> {
    const epoch = this.#epoch;
    // The callbacks stay anonymous arrows: under tsx (esbuild's keepNames) a named per-call
    // closure gets a `__name()` call that costs more than the rest of this path.
    return new Promise<T>((resolve, reject) => {
      const controller = fn.length === 0 ? undefined : new AbortController();
      let settled = false; // after a timeout, whatever fn does is ignored
      const timer = this.#armTimeout(controller, (error) => {
        settled = true;
        this.#settleTimed(true, error, epoch);
        reject(error);
      });
      let result: PromiseLike<T>;
      try {
        result = fn(controller === undefined ? NEVER_ABORTED : controller.signal);
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        this.#settleTimed(true, error, epoch);
        reject(error);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.#settleTimed(false, undefined, epoch);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.#settleTimed(true, error, epoch);
          reject(error);
        },
      );
    });
  }

  /** The bookkeeping `#run` does once a timed call ended (never a trial, no duration measured). */
  #settleTimed(failed: boolean, error: unknown, epoch: number): void {
    if (failed) this.#settleFailure(error, 0, epoch, false);
    else this.#settleSuccess(0, epoch, false);
    this.#release();
  }

  readonly #onFastSuccess = (): void => {
    this.#successes++;
    // A call started while closed may settle after a transition: then it only counts in stats.
    if (this.#closed && this.#strategy.record(false, false, this.#strategyTime ? this.#now() : 0)) {
      this.#openNow(1);
    }
    if (successChannel.hasSubscribers) successChannel.publish({ breaker: this.name });
    this.#release();
  };

  readonly #onFastFailure = (error: unknown): void => {
    if (this.#counts(error)) {
      this.#failures++;
      if (failureChannel.hasSubscribers) failureChannel.publish({ breaker: this.name, error });
      if (this.#closed && this.#strategy.record(true, false, this.#strategyTime ? this.#now() : 0)) {
        this.#openNow(1);
      }
    } else {
      this.#ignored++;
    }
    this.#release();
  };

  async #executeSlow<T, F>(fn: (signal: AbortSignal) => PromiseLike<T>, options?: ExecuteOptions<F>): Promise<T | F> {
    try {
      return await this.#run(fn, options?.signal);
    } catch (error) {
      const fallback = options?.fallback;
      if (fallback === undefined || !(error instanceof BreakerError || this.#counts(error))) throw error;
      return fallback(error);
    }
  }

  async #run<T>(fn: (signal: AbortSignal) => PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.#shutDown) throw new BreakerShutDownError(this.name);
    signal?.throwIfAborted();
    if (this.#inFlight >= this.#maxConcurrent) await this.#waitForSlot(signal);
    else this.#inFlight++;
    const trial = this.#admit();
    const epoch = this.#epoch;
    const start = this.#measures ? this.#now() : 0;
    let value: T;
    try {
      value = this.#timeoutMs > 0 ? await this.#withTimeout(fn, signal) : await fn(signal ?? NEVER_ABORTED);
    } catch (error) {
      // The caller gave up (its own signal): that says nothing about the dependency, trial or not.
      const callerAborted = signal?.aborted === true && !(error instanceof BreakerTimeoutError);
      this.#settleFailure(error, start, epoch, trial, callerAborted);
      this.#release();
      throw error;
    }
    this.#settleSuccess(start, epoch, trial);
    this.#release();
    return value;
  }

  /** Lets the call through (true when it is a half-open trial) or releases its slot and throws `BreakerOpenError`. */
  #admit(): boolean {
    const state = this.#refresh();
    if (state.kind === 'closed' || state.kind === 'forced-closed') return false;
    if (state.kind === 'half-open' && this.#trials < this.#permitted) {
      this.#trials++;
      return true;
    }
    this.#release();
    this.#rejections++;
    const error = new BreakerOpenError(
      this.name,
      state.kind,
      state.kind === 'open' ? state.retryAt : undefined,
      this.#now(),
    );
    if (rejectChannel.hasSubscribers) rejectChannel.publish({ breaker: this.name, error });
    throw error;
  }

  #settleSuccess(start: number, epoch: number, trial: boolean): void {
    const now = this.#measures || this.#strategyTime ? this.#now() : 0;
    const slow = this.#measures && now - start >= this.#slowMs;
    this.#successes++;
    if (slow) this.#slowCalls++;
    if (successChannel.hasSubscribers) successChannel.publish({ breaker: this.name });
    if (epoch !== this.#epoch) return;
    if (trial) {
      if (slow) this.#reopen();
      else if (++this.#trialSuccesses >= this.#successThreshold)
        this.#transition({ kind: 'closed', since: this.#now() });
    } else if (this.#state.kind === 'closed' && this.#strategy.record(false, slow, now)) {
      this.#openNow(1);
    }
  }

  #settleFailure(error: unknown, start: number, epoch: number, trial: boolean, callerAborted = false): void {
    // Our own timeout always counts; a call the caller aborted never does; anything else asks `isFailure`.
    if (callerAborted || (!(error instanceof BreakerTimeoutError) && !this.#counts(error))) {
      this.#ignored++;
      if (trial && epoch === this.#epoch) this.#trials--; // the trial slot goes to another call
      return;
    }
    const now = this.#measures || this.#strategyTime ? this.#now() : 0;
    const slow = this.#measures && now - start >= this.#slowMs;
    this.#failures++;
    if (slow) this.#slowCalls++;
    if (failureChannel.hasSubscribers) failureChannel.publish({ breaker: this.name, error });
    if (epoch !== this.#epoch) return;
    if (trial) this.#reopen();
    else if (this.#state.kind === 'closed' && this.#strategy.record(true, slow, now)) this.#openNow(1);
  }

  #counts(error: unknown): boolean {
    try {
      return this.#isFailure(error);
    } catch {
      return true; // a broken predicate must not hide failures
    }
  }

  #withTimeout<T>(fn: (signal: AbortSignal) => PromiseLike<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // An AbortSignal costs ~2 µs to create on Node 20: skip it when fn declares no parameter to receive it.
      const controller = fn.length === 0 ? undefined : new AbortController();
      const signal =
        controller === undefined
          ? (callerSignal ?? NEVER_ABORTED)
          : callerSignal
            ? AbortSignal.any([callerSignal, controller.signal])
            : controller.signal;
      const timer = this.#armTimeout(controller, reject); // settles now; whatever fn does later is ignored
      let result: PromiseLike<T>;
      try {
        result = fn(signal);
      } catch (error) {
        clearTimeout(timer);
        reject(error);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Starts the call's timer: on expiry it counts the timeout, aborts `controller` and hands the error to `fail`. */
  #armTimeout(controller: AbortController | undefined, fail: (error: BreakerTimeoutError) => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const error = new BreakerTimeoutError(this.name, this.#timeoutMs);
      this.#timeouts++;
      if (timeoutChannel.hasSubscribers) timeoutChannel.publish({ breaker: this.name, timeoutMs: this.#timeoutMs });
      controller?.abort(error);
      fail(error);
    }, this.#timeoutMs);
    timer.unref?.();
    return timer;
  }

  #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    if (this.#queue.length >= this.#maxQueue) {
      this.#rejections++;
      const error = new BulkheadFullError(this.name, this.#maxConcurrent, this.#maxQueue);
      if (rejectChannel.hasSubscribers) rejectChannel.publish({ breaker: this.name, error });
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resume: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        abandon: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Frees a slot; hands it to the next queued call (the slot stays counted) and finishes `close()`. */
  #release(): void {
    this.#inFlight--;
    while (this.#queue.length !== 0 && this.#inFlight < this.#maxConcurrent) {
      this.#inFlight++;
      (this.#queue.shift() as Waiter).resume();
    }
    if (this.#inFlight === 0 && this.#drained !== undefined) this.#drained();
  }

  /** Moves open → half-open once the wait is over. */
  #refresh(): BreakerState {
    const state = this.#state;
    if (state.kind === 'open' && this.#now() >= state.retryAt) {
      this.#transition({ kind: 'half-open', since: this.#now(), opens: state.opens });
    }
    return this.#state;
  }

  #openNow(opens: number): void {
    const now = this.#now();
    this.#transition({ kind: 'open', since: now, retryAt: now + this.#openDuration.ms(opens), opens });
  }

  #reopen(): void {
    const state = this.#state;
    this.#openNow(state.kind === 'half-open' || state.kind === 'open' ? state.opens + 1 : 1);
  }

  #transition(next: BreakerState): void {
    const from = this.#state;
    this.#state = next;
    this.#epoch++;
    this.#trials = 0;
    this.#trialSuccesses = 0;
    if (next.kind === 'closed') this.#strategy.reset();
    this.#updateFast();
    this.#announcements.push([next, from]);
    if (this.#announcing) return; // a listener changed the state: announced once the current one is done
    this.#announcing = true;
    try {
      for (let a = this.#announcements.shift(); a !== undefined; a = this.#announcements.shift())
        this.#announce(a[0], a[1]);
    } finally {
      this.#announcing = false;
    }
  }

  #announce(next: BreakerState, from: BreakerState): void {
    for (const listener of this.#listeners.slice()) {
      try {
        listener(next, from);
      } catch (error) {
        // A listener's bug must not leave the breaker half-transitioned; surface it as a process warning.
        process.emitWarning(error instanceof Error ? error : String(error), {
          code: 'PERF_BREAKER_LISTENER_FAILED',
          detail: `a state listener of circuit "${this.name}" threw; the transition to ${next.kind} still happened`,
        });
      }
    }
    if (stateChannel.hasSubscribers) stateChannel.publish({ breaker: this.name, from, to: next });
  }

  #updateFast(): void {
    this.#closed = this.#state.kind === 'closed';
    const simple = this.#closed && !this.#measures && !this.#shutDown;
    this.#fast = simple && this.#timeoutMs === 0;
    this.#fastTimed = simple && this.#timeoutMs > 0;
  }

  /** The current state (moves open → half-open first if the wait is over). */
  get state(): BreakerState {
    return this.#refresh();
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: StateListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Opens the circuit now, as if the strategy had tripped it; trials resume after the usual wait. */
  trip(): void {
    this.#reopen();
  }

  /** Closes the circuit and forgets recorded outcomes (also ends isolation and forced states). */
  reset(): void {
    this.#isolations = 0;
    this.#transition({ kind: 'closed', since: this.#now() });
  }

  /**
   * Forces the circuit open until every returned handle is released (then it closes).
   * A handle from before a `reset()`, `forceOpen()`, `forceClosed()` or `restore()` no longer acts,
   * so a late release cannot end a newer isolation or a forced state.
   */
  isolate(): Isolation {
    const state = this.#state;
    if (state.kind === 'forced-open' && state !== this.#isolation) {
      // Already held open by forceOpen(): that hold lasts until reset(), whatever this handle does.
      return { release: noop, [Symbol.dispose]: noop };
    }
    if (state !== this.#isolation) {
      this.#isolations = 0;
      const isolation: BreakerState = { kind: 'forced-open', since: this.#now() };
      this.#transition(isolation);
      this.#isolation = isolation;
    }
    this.#isolations++;
    const isolation = this.#isolation;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (this.#state === isolation && --this.#isolations === 0) this.reset();
    };
    return { release, [Symbol.dispose]: release };
  }

  /** Rejects every call until `reset()`. */
  forceOpen(): void {
    this.#transition({ kind: 'forced-open', since: this.#now() });
  }

  /** Lets every call through without recording outcomes until `reset()`. */
  forceClosed(): void {
    this.#transition({ kind: 'forced-closed', since: this.#now() });
  }

  /** Counters and the current state; cheap, allocates one object. */
  stats(): BreakerStats {
    const state = this.#refresh();
    return {
      calls: this.#calls,
      successes: this.#successes,
      failures: this.#failures,
      ignored: this.#ignored,
      rejections: this.#rejections,
      timeouts: this.#timeouts,
      slowCalls: this.#slowCalls,
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      state: state.kind,
      since: state.since,
    };
  }

  /** The state and the strategy's counters as plain JSON, for `restore()` after a restart. */
  snapshot(): BreakerSnapshot {
    return { version: 1, state: this.#refresh(), strategy: this.#strategy.snapshot() };
  }

  /** Loads a `snapshot()`. A half-open snapshot comes back open with its wait over, since its trials died with the process. */
  restore(snapshot: BreakerSnapshot): void {
    const s = snapshot?.state as Partial<Record<string, unknown>> | undefined;
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const opensOk =
      s?.kind !== 'open' && s?.kind !== 'half-open'
        ? true
        : Number.isSafeInteger(s?.opens) && (s?.opens as number) >= 1;
    if (
      snapshot?.version !== 1 ||
      s === undefined ||
      !STATE_KINDS.has(String(s.kind)) ||
      !finite(s.since) ||
      (s.kind === 'open' && !finite(s.retryAt)) ||
      !opensOk
    ) {
      throw new InvalidOptionError(
        'restore',
        'a BreakerSnapshot from snapshot() (version 1)',
        JSON.stringify(snapshot),
      );
    }
    this.#strategy.restore(snapshot.strategy);
    const state = snapshot.state;
    // A snapshot from a clock ahead of ours (or forged) must not hold the circuit open for longer
    // than one open period from now: times are clamped to now and to now + the longest wait.
    const now = this.#now();
    const since = Math.min(state.since, now);
    const next: BreakerState =
      state.kind === 'half-open'
        ? { kind: 'open', since, retryAt: since, opens: state.opens }
        : state.kind === 'open'
          ? { ...state, since, retryAt: Math.min(state.retryAt, now + this.#openDuration.longestMs) }
          : { ...state, since };
    const strategy = this.#strategy.snapshot();
    this.#transition(next);
    // #transition resets the strategy when closing; a restored closed state keeps its counters.
    if (next.kind === 'closed') this.#strategy.restore(strategy);
  }

  /** Refuses new calls, hands queued calls back with `BreakerShutDownError`, and resolves when running calls have settled. */
  close(): Promise<void> {
    if (!this.#shutDown) {
      this.#shutDown = true;
      this.#updateFast();
      const error = new BreakerShutDownError(this.name);
      for (const waiter of this.#queue.splice(0)) waiter.abandon(error);
    }
    if (this.#inFlight === 0) return Promise.resolve();
    this.#closing ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
