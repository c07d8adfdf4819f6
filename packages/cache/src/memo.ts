// memo(): a function's results kept in a cache, keyed by its arguments, all
// under one internal tag so `invalidate()` can drop every result at once.
import type { Cache } from './cache.js';
import { InvalidOptionError } from './errors.js';
import type { LoadOptions } from './loader.js';
import { validateWrite, type WriteOptions } from './options.js';

/** Options of `memo`. */
export interface MemoOptions<A extends unknown[]> extends WriteOptions {
  /** Key of one call's arguments. Default: `JSON.stringify(args)`. */
  readonly key?: (...args: A) => string;
  /**
   * Name of this memo, unique within the cache; its results live under `memo:<name>:`.
   * Required when the cache has a second level, so that instances share the results of the
   * same function and never read another function's. Default: a per-instance counter.
   */
  readonly name?: string;
}

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
  validateWrite(options);
  if (shared && options?.name === undefined) {
    throw new InvalidOptionError(
      'name',
      'is required for memo() on a cache with a second level (see MemoOptions.name)',
    );
  }
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
