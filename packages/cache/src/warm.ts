// warm(): fill a cache at start from a list or a loader, reporting what failed.
import type { Cache } from './cache.js';
import type { Loader } from './loader.js';
import { resolveWarm, type WarmOptions } from './options.js';

/** Result of `warm`: nothing that failed is dropped silently. */
export interface WarmReport {
  readonly loaded: number;
  readonly failed: ReadonlyArray<{ readonly key: string; readonly error: unknown }>;
}

/** `[key, value]` pairs, or keys and the loader that produces their values. */
export type WarmSource<V> =
  | Iterable<readonly [string, V]>
  | { readonly keys: Iterable<string>; readonly loader: Loader<V> };

export async function warm<V extends NonNullable<unknown> | null>(
  cache: Cache<V>,
  source: WarmSource<V>,
  options: WarmOptions | undefined,
): Promise<WarmReport> {
  const concurrency = resolveWarm(options);
  const failed: Array<{ key: string; error: unknown }> = [];
  let loaded = 0;
  if (Symbol.iterator in source) {
    for (const [key, value] of source) {
      try {
        await cache.set(key, value, options);
        loaded++;
      } catch (error) {
        failed.push({ key, error });
      }
    }
    return { loaded, failed };
  }
  const keys = [...source.keys];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      try {
        await cache.getOrLoad(key, source.loader, options);
        loaded++;
      } catch (error) {
        failed.push({ key, error });
      }
    }
  };
  const n = Math.max(1, Math.min(concurrency, keys.length));
  await Promise.all(Array.from({ length: n }, worker));
  return { loaded, failed };
}
