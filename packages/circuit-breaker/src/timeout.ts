import { BreakerTimeoutError } from './errors.js';

/** One shared signal for calls nobody can abort: no allocation per call. */
export const neverAborted: AbortSignal = new AbortController().signal;

/**
 * Told exactly once how a timed call ended, before the promise `Timeout.run`
 * returned settles: `failed` with `error` (our `BreakerTimeoutError` when
 * `timedOut`), or not. `call` is what the caller handed to `run` for this call,
 * so the caller needs no closure per call. After a timeout, whatever the call
 * does later is ignored.
 */
export type SettleTimed<C> = (call: C, failed: boolean, error: unknown, timedOut: boolean) => void;

/**
 * Cuts a call after `ms`: its promise rejects with a `BreakerTimeoutError`, and
 * its signal aborts with the same error. One timer per call, unref'd and
 * cleared as soon as the call settles.
 */
export class Timeout {
  readonly ms: number;
  readonly #breaker: string;

  constructor(breaker: string, ms: number) {
    this.#breaker = breaker;
    this.ms = ms;
  }

  /**
   * Runs `fn` with a signal that aborts on timeout or when `callerSignal` aborts,
   * and reports the outcome to `settle(call, ...)` once. The callbacks stay anonymous arrows:
   * under tsx (esbuild's keepNames) a named per-call closure gets a `__name()` call
   * that costs more than the rest of this path.
   */
  run<T, C>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    callerSignal: AbortSignal | undefined,
    settle: SettleTimed<C>,
    call: C,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // An AbortSignal costs ~2 µs to create on Node 20: skip it when fn declares no parameter to receive it.
      const controller = fn.length === 0 ? undefined : new AbortController();
      const signal =
        controller === undefined
          ? (callerSignal ?? neverAborted)
          : callerSignal === undefined
            ? controller.signal
            : AbortSignal.any([callerSignal, controller.signal]);
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const error = new BreakerTimeoutError(this.#breaker, this.ms);
        // Counted (and the circuit maybe opened) before fn's abort listeners run.
        settle(call, true, error, true);
        controller?.abort(error);
        reject(error);
      }, this.ms);
      timer.unref?.();
      let result: T | PromiseLike<T>;
      try {
        result = fn(signal);
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        settle(call, true, error, false);
        reject(error);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          settle(call, false, undefined, false);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          settle(call, true, error, false);
          reject(error);
        },
      );
    });
  }
}
