// Plain counters, incremented in place on the hot path and copied out on demand.
import type { InvalidationOutbox } from './invalidationOutbox.js';
import type { Store } from './store.js';
import { TinyLfuStore } from './tinyLfuStore.js';

/** Counters since the cache was created, plus two gauges (`size`, `inFlight`) and the cache's `name`. */
export interface CacheStats {
  /** The cache's `name` option. */
  readonly name: string;
  /** Fresh values served from process. */
  readonly hits: number;
  /** Lookups that found no usable value in process. */
  readonly misses: number;
  /** Cached load errors served (`negativeTtlMs`). */
  readonly negativeHits: number;
  /** Expired values served by stale-while-revalidate or stale-if-error. */
  readonly staleServed: number;
  /** Loader calls started. */
  readonly loads: number;
  /** Loader calls that failed (including timeouts and aborts). */
  readonly loadErrors: number;
  /** Entries pushed out by the size bound (not deletions). */
  readonly evictions: number;
  /** Values not stored because their size alone exceeds `maxSize`, or because `sizeCalculation` could not measure them. */
  readonly tooLarge: number;
  /** New keys the W-TinyLFU filter refused (0 with policy `lru`). */
  readonly admissionsRejected: number;
  /** Fresh values found in the second level. */
  readonly l2Hits: number;
  /** Second-level lookups with no fresh value. */
  readonly l2Misses: number;
  /** Second-level calls that failed or timed out (each read went on without it). */
  readonly l2Errors: number;
  /** Loads answered by another instance that held the lock. */
  readonly lockWaits: number;
  /** Invalidation messages received from other instances. */
  readonly remoteInvalidations: number;
  /** Invalidations the second level has not taken yet (down or slow), queued to be sent once it is back. */
  readonly invalidationsQueued: number;
  /** Times that queue reached its bound and became one "clear all" (of L2 and of every instance's L1). */
  readonly invalidationsCollapsed: number;
  /** Times the invalidation bus was subscribed again after a loss; each dropped every L1 entry. */
  readonly busRecoveries: number;
  /** Entries in process now (expired ones included until they are touched or evicted). */
  readonly size: number;
  /** Loads running now. */
  readonly inFlight: number;
}

export class StatsCounters {
  hits = 0;
  misses = 0;
  negativeHits = 0;
  staleServed = 0;
  loads = 0;
  loadErrors = 0;
  evictions = 0;
  tooLarge = 0;
  l2Hits = 0;
  l2Misses = 0;
  l2Errors = 0;
  lockWaits = 0;
  remoteInvalidations = 0;
  busRecoveries = 0;

  snapshot<V>(
    name: string,
    size: number,
    inFlight: number,
    store: Store<V>,
    outbox: InvalidationOutbox | undefined,
  ): CacheStats {
    return {
      name,
      hits: this.hits,
      misses: this.misses,
      negativeHits: this.negativeHits,
      staleServed: this.staleServed,
      loads: this.loads,
      loadErrors: this.loadErrors,
      evictions: this.evictions,
      tooLarge: this.tooLarge,
      admissionsRejected: store instanceof TinyLfuStore ? store.rejected : 0,
      l2Hits: this.l2Hits,
      l2Misses: this.l2Misses,
      l2Errors: this.l2Errors,
      lockWaits: this.lockWaits,
      remoteInvalidations: this.remoteInvalidations,
      invalidationsQueued: outbox?.size ?? 0,
      invalidationsCollapsed: outbox?.collapses ?? 0,
      busRecoveries: this.busRecoveries,
      size,
      inFlight,
    };
  }
}
