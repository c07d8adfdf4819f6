// diagnostics_channel names and message types of this package. Publishers check
// `hasSubscribers` first, so nobody listening costs one boolean read per event.
import { channel } from 'node:diagnostics_channel';
import type { SecondLevelOp } from './secondLevel.js';
import type { RemovalReason } from './store.js';

/** Every channel this package publishes on, by event. */
export const channelNames = {
  /** A fresh value was served: {@link HitMessage}. */
  hit: 'perf:cache:hit',
  /** No usable value in process: {@link MissMessage}. */
  miss: 'perf:cache:miss',
  /** An expired value was served: {@link StaleMessage}. */
  stale: 'perf:cache:stale',
  /** A load settled: {@link LoadMessage}. */
  load: 'perf:cache:load',
  /** An entry left the cache: {@link EvictMessage}. */
  evict: 'perf:cache:evict',
  /** A second-level call failed or timed out, and the cache went on without it: {@link L2ErrorMessage}. */
  l2Error: 'perf:cache:l2-error',
  /** Entries were invalidated, here or by another instance: {@link InvalidateMessage}. */
  invalidate: 'perf:cache:invalidate',
} as const;

/** On `perf:cache:hit`. */
export interface HitMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly key: string;
}

/** On `perf:cache:miss`. */
export interface MissMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly key: string;
}

/** On `perf:cache:stale`: `revalidate` while a background refresh runs, `error` because the refresh failed. */
export interface StaleMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly key: string;
  readonly reason: 'revalidate' | 'error';
}

/** On `perf:cache:load`: from the loader, or found in the second level. */
export interface LoadMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly key: string;
  readonly source: 'loader' | 'l2';
  /** How long the loader ran (0 for a value found in the second level). */
  readonly durationMs: number;
  /** Set when the loader failed (its own error, `LoadTimeoutError`, `LoadAbortedError`, ...). */
  readonly error?: unknown;
}

/** On `perf:cache:evict`: pushed out by the bound (`evict`), deleted (`delete`) or overwritten (`replace`). */
export interface EvictMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly key: string;
  readonly reason: RemovalReason;
}

/** On `perf:cache:l2-error`: the read or write went on without the second level. */
export interface L2ErrorMessage {
  /** The cache's `name` option. */
  readonly name: string;
  /** The second-level call that failed (`publish` for `InvalidationsUndeliveredError` at close). */
  readonly op: SecondLevelOp;
  /** The second level's own error, `SecondLevelTimeoutError` or `InvalidationsUndeliveredError`. */
  readonly error: unknown;
}

/** On `perf:cache:invalidate`. */
export interface InvalidateMessage {
  /** The cache's `name` option. */
  readonly name: string;
  readonly keys?: readonly string[];
  readonly tag?: string;
  readonly clear?: boolean;
  /** True when another instance sent it over the bus. */
  readonly remote: boolean;
  /** Id of the instance that sent it (remote messages only). */
  readonly origin?: string;
  /**
   * `bus-restored`: the bus came back after a loss and this instance dropped its whole L1 (it may
   * have missed messages meanwhile).
   */
  readonly reason?: 'bus-restored';
}

/** The message type of each channel, by event (the keys of {@link channelNames}). */
export interface CacheChannelMessages {
  hit: HitMessage;
  miss: MissMessage;
  stale: StaleMessage;
  load: LoadMessage;
  evict: EvictMessage;
  l2Error: L2ErrorMessage;
  invalidate: InvalidateMessage;
}

/** A channel whose `publish` only takes its own message type. */
interface TypedChannel<M> {
  readonly hasSubscribers: boolean;
  publish(message: M): void;
}

function typed<E extends keyof CacheChannelMessages>(event: E): TypedChannel<CacheChannelMessages[E]> {
  return channel(channelNames[event]);
}

export const hitChannel = typed('hit');
export const missChannel = typed('miss');
export const staleChannel = typed('stale');
export const loadChannel = typed('load');
export const evictChannel = typed('evict');
export const l2ErrorChannel = typed('l2Error');
export const invalidateChannel = typed('invalidate');
