import { Bulkhead } from './bulkhead.js';
import { failureChannel, rejectChannel, stateChannel, successChannel, timeoutChannel } from './channels.js';
import {
  BreakerClosedError,
  BreakerOpenError,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreakerError,
  InvalidOptionError,
} from './errors.js';
import { OpenDuration } from './openDuration.js';
import { type CircuitBreakerOptions, type ExecuteOptions, resolveOptions } from './options.js';
import { type BreakerSnapshot, type BreakerState, isBreakerSnapshot, type StateKind } from './state.js';
import type { BreakerStrategy } from './strategy.js';
import { neverAborted, Timeout } from './timeout.js';

/** Counters since construction plus the current state, as a plain object. */
export interface CircuitBreakerStats {
  /** The breaker's `name` option. */
  readonly name: string;
  /** `execute` invocations. */
  readonly calls: number;
  /** Calls that resolved. */
  readonly successes: number;
  /** Errors counted as failures (timeouts included). */
  readonly failures: number;
  /** Errors that `isFailure` declared not to be failures, and calls the caller aborted. */
  readonly ignored: number;
  /** Calls refused without running: circuit open or bulkhead full. */
  readonly rejected: number;
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

/** Called synchronously on every state change. */
export type StateListener = (to: BreakerState, from: BreakerState) => void;

/** Handle returned by `isolate()`; the circuit stays forced open until every handle is released. */
export interface Isolation {
  /** Ends this isolation; idempotent. */
  release(): void;
  [Symbol.dispose](): void;
}

const noop = (): void => {};

/** What a timed call from `#run` needs once it settles. */
interface TimedCall {
  readonly signal: AbortSignal | undefined;
  readonly trial: boolean;
  readonly epoch: number;
  readonly start: number;
}

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
  /** `undefined` without `timeoutMs`: then no call gets a timer. */
  readonly #timeout: Timeout | undefined;
  readonly #bulkhead: Bulkhead;
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
  /** As `#fast`, but with `timeoutMs` set: straight to `Timeout.run`, without the two async frames of `#executeSlow`. */
  #fastTimed = false;
  #trials = 0;
  #trialSuccesses = 0;
  #isolations = 0;
  /** The forced-open state `isolate()` created; its handles act only while it is the current state. */
  #isolation: BreakerState | undefined;
  /** `close()` was called: the instance takes no more calls (unrelated to the circuit's `closed` state). */
  #shutDown = false;
  readonly #listeners: StateListener[] = [];
  /** Transitions not yet announced: a listener that changes the state is announced after the current one, in order. */
  readonly #announcements: Array<[to: BreakerState, from: BreakerState]> = [];
  #announcing = false;

  #calls = 0;
  #successes = 0;
  #failures = 0;
  #ignored = 0;
  #rejected = 0;
  #timeouts = 0;
  #slowCalls = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    const resolved = resolveOptions(options);
    this.name = resolved.name;
    this.#strategy = resolved.strategy;
    this.#now = resolved.now;
    this.#openDuration = new OpenDuration(resolved.halfOpenAfterMs, resolved.backoff, resolved.random);
    this.#permitted = resolved.halfOpenPermittedCalls;
    this.#successThreshold = resolved.halfOpenSuccessThreshold;
    this.#timeout = resolved.timeoutMs > 0 ? new Timeout(this.name, resolved.timeoutMs) : undefined;
    this.#bulkhead = new Bulkhead(resolved.maxConcurrent, resolved.maxQueue);
    this.#isFailure = resolved.isFailure;
    this.#slowMs = this.#strategy.slowCallDurationMs;
    this.#measures = Number.isFinite(this.#slowMs);
    this.#strategyTime = this.#strategy.needsTime;
    this.#state = { kind: 'closed', since: this.#now() };
    this.#updateFast();
    if (resolved.restore !== undefined) this.restore(resolved.restore);
  }

  /**
   * Runs `fn` through the breaker. `fn` receives an `AbortSignal` that aborts
   * on timeout or when the caller's signal aborts. Rejects with
   * `BreakerOpenError`, `BulkheadFullError`, `BreakerTimeoutError` or
   * `BreakerClosedError` when the breaker refused or cut the call, and with
   * `fn`'s own error otherwise.
   */
  execute<T>(fn: (signal: AbortSignal) => PromiseLike<T>): Promise<T>;
  execute<T, F = T>(fn: (signal: AbortSignal) => PromiseLike<T>, options: ExecuteOptions<F>): Promise<T | F>;
  execute<T, F>(fn: (signal: AbortSignal) => PromiseLike<T>, options?: ExecuteOptions<F>): Promise<T | F> {
    this.#calls++;
    if (this.#fast && options === undefined && this.#bulkhead.tryAcquire()) {
      // Hot path: no closure, no timer, no extra promise beyond the one `then` returns.
      let result: PromiseLike<T>;
      try {
        result = fn(neverAborted);
      } catch (error) {
        result = Promise.reject(error);
      }
      const promise = result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
      // Bookkeeping hangs off the call's own promise, which goes back to the caller
      // untouched: our handlers run first (registered first) and cost no extra tick.
      promise.then(this.#onFastSuccess, this.#onFastFailure);
      return promise;
    }
    if (this.#fastTimed && options === undefined && this.#bulkhead.tryAcquire()) {
      // What `#run` does for a closed circuit with a timeout and a free slot (not a trial, no duration measured),
      // without its async frames; the call hands over only its epoch, so nothing more is allocated for it.
      return (this.#timeout as Timeout).run(fn, undefined, this.#settleClosedTimed, this.#epoch);
    }
    return this.#executeSlow(fn, options);
  }

  // The no-timeout hot path's lean copy of `#settle` for a closed circuit: never a trial, no duration, no caller signal.
  readonly #onFastSuccess = (): void => {
    this.#successes++;
    // A call started while closed may settle after a transition: then it only counts in stats.
    if (this.#closed && this.#strategy.record(false, false, this.#strategyTime ? this.#now() : 0)) {
      this.#openNow(1);
    }
    if (successChannel.hasSubscribers) successChannel.publish({ name: this.name });
    this.#bulkhead.release();
  };

  readonly #onFastFailure = (error: unknown): void => {
    if (this.#counts(error)) {
      this.#failures++;
      if (failureChannel.hasSubscribers) failureChannel.publish({ name: this.name, error });
      if (this.#closed && this.#strategy.record(true, false, this.#strategyTime ? this.#now() : 0)) {
        this.#openNow(1);
      }
    } else {
      this.#ignored++;
    }
    this.#bulkhead.release();
  };

  async #executeSlow<T, F>(fn: (signal: AbortSignal) => PromiseLike<T>, options?: ExecuteOptions<F>): Promise<T | F> {
    try {
      return await this.#run(fn, options?.signal);
    } catch (error) {
      // Fallback: for whatever the breaker raised or counts as a failure, never for an ignored (client) error.
      const fallback = options?.fallback;
      if (fallback === undefined || !(error instanceof CircuitBreakerError || this.#counts(error))) throw error;
      return fallback(error);
    }
  }

  async #run<T>(fn: (signal: AbortSignal) => PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.#shutDown) throw new BreakerClosedError(this.name);
    signal?.throwIfAborted();
    if (!this.#bulkhead.tryAcquire()) await this.#waitForSlot(signal);
    const trial = this.#admit();
    const epoch = this.#epoch;
    const start = this.#measures ? this.#now() : 0;
    if (this.#timeout !== undefined) return this.#timed(fn, signal, trial, epoch, start);
    let value: T;
    try {
      value = await fn(signal ?? neverAborted);
    } catch (error) {
      this.#settle(true, error, start, epoch, trial, signal);
      throw error;
    }
    this.#settle(false, undefined, start, epoch, trial, signal);
    return value;
  }

  /** A timed call from `#run`: whatever its state, trial or caller signal, it settles through `#settleTimed`. */
  #timed<T>(
    fn: (signal: AbortSignal) => PromiseLike<T>,
    signal: AbortSignal | undefined,
    trial: boolean,
    epoch: number,
    start: number,
  ): Promise<T> {
    return (this.#timeout as Timeout).run(fn, signal, this.#settleTimed, { signal, trial, epoch, start });
  }

  // The one settle path of timed calls: `Timeout.run` reports the outcome once, these hand it to `#settle`.
  // A fast-path call is closed, not a trial, unmeasured and has no caller signal: only its epoch varies
  // (passing constants here also lets the JIT drop the branches `#settle` takes for the other cases).
  readonly #settleClosedTimed = (epoch: number, failed: boolean, error: unknown, timedOut: boolean): void => {
    if (timedOut) this.#countTimeout();
    this.#settle(failed, error, 0, epoch, false, undefined);
  };

  readonly #settleTimed = (call: TimedCall, failed: boolean, error: unknown, timedOut: boolean): void => {
    if (timedOut) this.#countTimeout();
    this.#settle(failed, error, call.start, call.epoch, call.trial, call.signal);
  };

  #countTimeout(): void {
    this.#timeouts++;
    if (timeoutChannel.hasSubscribers) {
      timeoutChannel.publish({ name: this.name, timeoutMs: (this.#timeout as Timeout).ms });
    }
  }

  /** Records how a call that got a slot ended, and frees the slot. */
  #settle(
    failed: boolean,
    error: unknown,
    start: number,
    epoch: number,
    trial: boolean,
    signal: AbortSignal | undefined,
  ): void {
    if (!failed) this.#settleSuccess(start, epoch, trial);
    else {
      // The caller gave up (its own signal): that says nothing about the dependency, trial or not.
      const callerAborted = signal?.aborted === true && !(error instanceof BreakerTimeoutError);
      this.#settleFailure(error, start, epoch, trial, callerAborted);
    }
    this.#bulkhead.release();
  }

  /** Lets the call through (true when it is a half-open trial) or releases its slot and throws `BreakerOpenError`. */
  #admit(): boolean {
    const state = this.#refresh();
    if (state.kind === 'closed' || state.kind === 'forced-closed') return false;
    if (state.kind === 'half-open' && this.#trials < this.#permitted) {
      this.#trials++;
      return true;
    }
    this.#bulkhead.release();
    throw this.#reject(
      new BreakerOpenError(this.name, state.kind, state.kind === 'open' ? state.retryAt : undefined, this.#now()),
    );
  }

  /** Counts and announces a call refused without running; returns the error for the caller. */
  #reject<E extends BreakerOpenError | BulkheadFullError>(error: E): E {
    this.#rejected++;
    if (rejectChannel.hasSubscribers) rejectChannel.publish({ name: this.name, error });
    return error;
  }

  #settleSuccess(start: number, epoch: number, trial: boolean): void {
    const now = this.#measures || this.#strategyTime ? this.#now() : 0;
    const slow = this.#measures && now - start >= this.#slowMs;
    this.#successes++;
    if (slow) this.#slowCalls++;
    if (successChannel.hasSubscribers) successChannel.publish({ name: this.name });
    if (epoch !== this.#epoch) return;
    if (trial) {
      if (slow) this.#reopen();
      else if (++this.#trialSuccesses >= this.#successThreshold)
        this.#transition({ kind: 'closed', since: this.#now() });
    } else if (this.#state.kind === 'closed' && this.#strategy.record(false, slow, now)) {
      this.#openNow(1);
    }
  }

  #settleFailure(error: unknown, start: number, epoch: number, trial: boolean, callerAborted: boolean): void {
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
    if (failureChannel.hasSubscribers) failureChannel.publish({ name: this.name, error });
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

  /** Queues the call for a slot, or refuses it with `BulkheadFullError` when the queue is full too. */
  #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    const bulkhead = this.#bulkhead;
    if (bulkhead.queueFull) {
      return Promise.reject(this.#reject(new BulkheadFullError(this.name, bulkhead.maxConcurrent, bulkhead.maxQueue)));
    }
    return bulkhead.wait(signal);
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
          code: 'PERF_CIRCUIT_BREAKER_LISTENER_FAILED',
          detail: `a state listener of circuit "${this.name}" threw; the transition to ${next.kind} still happened`,
        });
      }
    }
    if (stateChannel.hasSubscribers) stateChannel.publish({ name: this.name, from, to: next });
  }

  #updateFast(): void {
    this.#closed = this.#state.kind === 'closed';
    const simple = this.#closed && !this.#measures && !this.#shutDown;
    this.#fast = simple && this.#timeout === undefined;
    this.#fastTimed = simple && this.#timeout !== undefined;
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
  stats(): CircuitBreakerStats {
    const state = this.#refresh();
    return {
      name: this.name,
      calls: this.#calls,
      successes: this.#successes,
      failures: this.#failures,
      ignored: this.#ignored,
      rejected: this.#rejected,
      timeouts: this.#timeouts,
      slowCalls: this.#slowCalls,
      inFlight: this.#bulkhead.inFlight,
      queued: this.#bulkhead.queued,
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
    if (!isBreakerSnapshot(snapshot)) {
      throw new InvalidOptionError('restore', 'a BreakerSnapshot from snapshot() (version 1)', snapshot);
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

  /**
   * Shuts the instance down (the circuit's state is left as it is): refuses new calls with
   * `BreakerClosedError`, hands queued calls back with it, and resolves when running calls have settled.
   */
  close(): Promise<void> {
    if (!this.#shutDown) {
      this.#shutDown = true;
      this.#updateFast();
    }
    return this.#bulkhead.close(new BreakerClosedError(this.name));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
