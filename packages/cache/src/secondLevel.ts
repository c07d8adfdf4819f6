// What the cache needs from a shared second level (L2). `RedisTier` from
// `@perf/cache/redis` implements it; the core never imports a Redis client.

/** A value as the second level stores it, with its absolute deadlines (ms since the epoch). */
export interface StoredValue {
  readonly value: unknown;
  readonly expiresAt: number;
  readonly staleWhileRevalidateUntil: number;
  readonly staleIfErrorUntil: number;
  readonly tags?: readonly string[];
}

/** What an invalidation drops: some keys, the keys of a tag, or everything. */
export interface InvalidationTarget {
  readonly keys?: readonly string[];
  readonly tag?: string;
  readonly clear?: boolean;
}

/** Sent over the invalidation bus so other instances drop their L1 copies. */
export interface InvalidationMessage extends InvalidationTarget {
  /** Id of the cache instance that sent it (instances ignore their own messages). */
  readonly origin: string;
}

/** A call the cache makes to its second level, as named in `perf:cache:l2-error` messages. */
export type SecondLevelOp =
  | 'get'
  | 'set'
  | 'delete'
  | 'invalidateTag'
  | 'clear'
  | 'publish'
  | 'acquireLock'
  | 'releaseLock';

/**
 * What a second level tells the cache about its connection (every member optional).
 * Without them the cache still queues the invalidations it could not send and
 * retries them every second, but cannot know that it missed some.
 */
export interface SecondLevelEvents {
  /**
   * The bus is subscribed again after it was lost (or after the first connection failed):
   * invalidations sent meanwhile never arrived, so the cache drops every L1 entry.
   */
  readonly busRestored?: () => void;
  /** The command connection is (again) up: the cache sends the invalidations it queued. */
  readonly reconnected?: () => void;
}

export interface SecondLevel {
  /**
   * Most invalidations the cache keeps for this second level while it is unreachable (default 1,000);
   * one more collapses them into a single "clear all".
   */
  readonly maxQueuedInvalidations?: number;
  get(key: string): Promise<StoredValue | undefined>;
  /** `ttlMs` undefined: keep until deleted. */
  set(key: string, value: StoredValue, ttlMs: number | undefined): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** Deletes every key stored with this tag. */
  invalidateTag(tag: string): Promise<void>;
  /** Deletes every key of this namespace. */
  clear(): Promise<void>;
  publish(message: InvalidationMessage): Promise<void>;
  /** Registers the one listener for messages from the bus, and for the connection events. */
  subscribe(listener: (message: InvalidationMessage) => void, events?: SecondLevelEvents): void;
  /** Tries to take a short lock for loading `key`; true when this caller holds it. */
  acquireLock(key: string, token: string, ttlMs: number): Promise<boolean>;
  releaseLock(key: string, token: string): Promise<void>;
  close(): Promise<void>;
}
