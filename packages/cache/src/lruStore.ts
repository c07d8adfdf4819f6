// Plain LRU: lru-cache does the work. TTLs are kept in our Entry (so the stale
// windows and negative entries live next to the value), which leaves lru-cache
// on its fastest path: no per-entry timers, no clock reads of its own.
import { LRUCache } from 'lru-cache';
import type { Entry } from './entry.js';
import { InvalidSizeError } from './errors.js';
import type { OnRemove, Store } from './store.js';

export interface LruStoreOptions<V> {
  readonly max: number | undefined;
  readonly maxSize: number | undefined;
  readonly sizeCalculation: ((value: V, key: string) => number) | undefined;
  readonly onRemove: OnRemove<V>;
}

export class LruStore<V> implements Store<V> {
  readonly #lru: LRUCache<string, Entry<V>>;

  constructor(options: LruStoreOptions<V>) {
    const { sizeCalculation, onRemove } = options;
    const base = {
      dispose: (entry: Entry<V>, key: string, reason: LRUCache.DisposeReason) => {
        onRemove(key, entry, reason === 'set' ? 'replace' : reason === 'delete' ? 'delete' : 'evict');
      },
    };
    if (options.maxSize !== undefined) {
      // Negative entries weigh 1; without a size function every entry does.
      // A size lru-cache would reject (NaN, 0, fractions) or a throwing function becomes one typed error.
      const size = sizeCalculation
        ? (e: Entry<V>, k: string) => {
            if (e.negative) return 1;
            let n: number;
            try {
              n = sizeCalculation(e.value as V, k);
            } catch (error) {
              throw new InvalidSizeError(k, undefined, error);
            }
            if (!(Number.isSafeInteger(n) && n > 0)) throw new InvalidSizeError(k, n);
            return n;
          }
        : () => 1;
      this.#lru = new LRUCache<string, Entry<V>>({
        ...base,
        maxSize: options.maxSize,
        sizeCalculation: size,
        ...(options.max !== undefined ? { max: options.max } : {}),
      });
    } else {
      this.#lru = new LRUCache<string, Entry<V>>({ ...base, max: options.max! });
    }
  }

  get(key: string): Entry<V> | undefined {
    return this.#lru.get(key);
  }

  peek(key: string): Entry<V> | undefined {
    return this.#lru.peek(key);
  }

  set(key: string, entry: Entry<V>): void {
    this.#lru.set(key, entry);
  }

  delete(key: string): boolean {
    return this.#lru.delete(key);
  }

  clear(): void {
    this.#lru.clear();
  }

  keys(): IterableIterator<string> {
    return this.#lru.keys();
  }

  get size(): number {
    return this.#lru.size;
  }
}
