// Loaders: what they receive, and running one under an abort signal and an
// optional timeout, so a loader that ignores its signal still cannot hold
// its waiters forever.
import { LoadTimeoutError } from './errors.js';
import type { WriteOptions } from './options.js';

/** What a loader receives. */
export interface LoadContext<V> {
  readonly key: string;
  /** Fires when nobody waits any more, on `loadTimeoutMs`, on `close()`, or when the key is invalidated during a background refresh. */
  readonly signal: AbortSignal;
  /** The expired value being refreshed, if any. */
  readonly stale: V | undefined;
}

/** Produces the value of a missing key. */
export type Loader<V> = (context: LoadContext<V>) => V | Promise<V>;

/** Options of one `getOrLoad` call. */
export interface LoadOptions extends WriteOptions {
  /** Stops this caller's wait (rejecting with `LoadAbortedError`); the shared load is aborted only when every waiter has gone. */
  readonly signal?: AbortSignal;
}

const noop = (): void => {};

/** Runs `loader`; rejects with the signal's reason as soon as `controller` aborts (or `timeoutMs` passes). */
export async function runLoader<V>(
  key: string,
  loader: Loader<V>,
  controller: AbortController,
  stale: V | undefined,
  timeoutMs: number,
): Promise<V> {
  const signal = controller.signal;
  let onAbort = noop;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
  });
  aborted.catch(noop);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs > 0) {
    timer = setTimeout(() => controller.abort(new LoadTimeoutError(key, timeoutMs)), timeoutMs);
    timer.unref();
  }
  try {
    const run = Promise.resolve().then(() => loader({ key, signal, stale }));
    return await Promise.race([run, aborted]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
