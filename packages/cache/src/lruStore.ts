// Plain LRU: lru-cache does the work. TTLs are kept in our Entry (so the stale
// windows and negative entries live next to the value), which leaves lru-cache
// on its fastest path: no per-entry timers, no clock reads of its own.
import { LRUCache } from 'lru-cache';
import type { Entry } from './entry.js';
import { entrySize } from './entrySize.js';
import type { OnRemove, Store } from './store.js';

export interface LruStoreOptions<V> {
  readonly max: number | undefined;
  readonly maxSize: number | undefined;
  readonly sizeCalculation: ((value: V, key: string) => number) | undefined;
  readonly onRemove: OnRemove<V>;
}

export class LruStore<V> implements Store<V> {
  readonly #lru: LRUCache<string, Entry<V>>;
  /** Only a `maxSize` bound can refuse an entry (larger than the bound). */
  readonly #sized: boolean;

  constructor(options: LruStoreOptions<V>) {
    const { sizeCalculation, onRemove } = options;
    this.#sized = options.maxSize !== undefined;
    const base = {
      dispose: (entry: Entry<V>, key: string, reason: LRUCache.DisposeReason) => {
        onRemove(key, entry, reason === 'set' ? 'replace' : reason === 'delete' ? 'delete' : 'evict');
      },
    };
    if (options.maxSize !== undefined) {
      // Negative entries weigh 1; without a size function every entry does.
      // A size lru-cache would reject (NaN, 0, fractions) or a throwing function becomes one typed error.
      const size = sizeCalculation ? entrySize(sizeCalculation) : () => 1;
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

  set(key: string, entry: Entry<V>): boolean {
    this.#lru.set(key, entry);
    // lru-cache refuses an entry larger than maxSize (and drops the old one) without a word.
    return !this.#sized || this.#lru.peek(key) === entry;
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
