// memo(): a function's results kept in a cache, keyed by its arguments, all
// under one internal tag so `invalidate()` can drop every result at once.
import type { Cache } from './cache.js';
import type { LoadOptions } from './loader.js';
import { type MemoOptions, validateMemo } from './options.js';

/** A memoised function: call it like the original, `invalidate()` when the underlying state changes. */
export interface Memo<A extends unknown[], R> {
  (...args: A): Promise<R>;
  /** Drops the memoised result of these arguments, or of every argument list when called without. */
  invalidate(...args: A | []): Promise<void>;
}

/** Builds the memoised function; `fallbackName` is unique per memo within its cache instance. */
export function createMemo<V extends NonNullable<unknown> | null, A extends unknown[], R extends V>(
  cache: Cache<V>,
  shared: boolean,
  fallbackName: string,
  fn: (...args: A) => R | Promise<R>,
  options: MemoOptions<A> | undefined,
): Memo<A, R> {
  validateMemo(options, shared);
  // The NUL keeps memo keys apart from any ordinary key.
  const tag = `\u0000memo:${options?.name ?? fallbackName}`;
  const prefix = `${tag}:`;
  const keyOf = options?.key ?? ((...args: A) => JSON.stringify(args));
  const write: LoadOptions = {
    tags: [tag, ...(options?.tags ?? [])],
    ...(options?.ttl !== undefined ? { ttl: options.ttl } : {}),
  };
  const memo = ((...args: A) =>
    cache.getOrLoad(prefix + keyOf(...args), () => fn(...args), write) as Promise<R>) as Memo<A, R>;
  memo.invalidate = async (...args: A | []) => {
    if (args.length === 0) await cache.invalidateTag(tag);
    else await cache.delete(prefix + keyOf(...(args as A)));
  };
  return memo;
}
