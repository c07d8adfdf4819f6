// The in-process storage behind a Cache: an eviction policy over key → Entry.
import type { Entry } from './entry.js';

/** Why an entry left the store without being read. */
export type RemovalReason = 'evict' | 'delete' | 'replace';

export interface Store<V> {
  get(key: string): Entry<V> | undefined;
  /** Looks without counting as an access (no reordering, no frequency). */
  peek(key: string): Entry<V> | undefined;
  /**
   * Stores `entry` (evicting as the policy decides; W-TinyLFU may turn the new
   * entry itself away). Returns false only when the entry alone is larger than
   * the whole bound: then it is not stored and the key's previous value is dropped.
   */
  set(key: string, entry: Entry<V>): boolean;
  delete(key: string): boolean;
  clear(): void;
  keys(): IterableIterator<string>;
  readonly size: number;
}

/** Called by a store for each entry it drops, so the cache keeps its tag index and stats. */
export type OnRemove<V> = (key: string, entry: Entry<V>, reason: RemovalReason) => void;
