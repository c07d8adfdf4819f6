// diagnostics_channel names of this package. Publishers check `hasSubscribers`
// first, so nobody listening costs one boolean read per event.
import { channel } from 'node:diagnostics_channel';

/** A fresh value was served: `{ cache, key }`. */
export const hitChannel = channel('perf:cache:hit');
/** No usable value: `{ cache, key }`. */
export const missChannel = channel('perf:cache:miss');
/** A stale value was served: `{ cache, key, reason: 'revalidate' | 'error' }`. */
export const staleChannel = channel('perf:cache:stale');
/** A load settled: `{ cache, key, source: 'loader' | 'l2', durationMs, error? }`. */
export const loadChannel = channel('perf:cache:load');
/** An entry left the cache: `{ cache, key, reason: 'evict' | 'delete' | 'replace' }`. */
export const evictChannel = channel('perf:cache:evict');
/** The second level failed or timed out (the read went on without it): `{ cache, op, error }`. */
export const l2ErrorChannel = channel('perf:cache:l2-error');
/**
 * Entries were invalidated: `{ cache, keys?, tag?, clear?, remote, reason? }`. `reason: 'bus-restored'`:
 * the bus came back after a loss and this instance dropped its whole L1 (it may have missed messages).
 */
export const invalidateChannel = channel('perf:cache:invalidate');
