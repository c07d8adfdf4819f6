// Tiered caches for the Redis tests: unique namespaces, closed after the file,
// and a way to wait for what an instance hears on the bus.
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { vi } from 'vitest';
import { Cache, type CacheOptions, channelNames, type InvalidateMessage } from '../src/index.js';
import { RedisTier, type RedisTierOptions } from '../src/redis.js';

export interface TieredOptions {
  readonly cache?: Partial<CacheOptions<string>>;
  readonly tier?: Partial<RedisTierOptions>;
  /** Wait until both connections are up and the bus subscribed (default true). */
  readonly wait?: boolean;
}

export interface Tiered {
  readonly name: string;
  readonly cache: Cache<string>;
  readonly tier: RedisTier;
}

/** Opens tiered caches (100 entries, 60 s TTL) and closes them all in `closeAll()`. */
export function tieredCaches() {
  const prefix = `perf-cache-test-${randomBytes(4).toString('hex')}-`;
  let n = 0;
  let opened: Cache<string>[] = [];
  return {
    /** Every namespace starts with this (to clean the shared server). */
    prefix,
    namespace: () => `${prefix}${n++}`,
    async open(url: string, namespace: string, name: string, options: TieredOptions = {}): Promise<Tiered> {
      const tier = new RedisTier({ url, namespace, ...options.tier });
      const cache = new Cache<string>({ max: 100, ttl: 60_000, name, secondLevel: tier, ...options.cache });
      opened.push(cache);
      if (options.wait !== false) await tier.ready();
      return { name, cache, tier };
    },
    async closeAll(): Promise<void> {
      const closing = opened;
      opened = [];
      await Promise.all(closing.map((c) => c.close()));
    },
  };
}

/** Resolves on the next invalidation `cacheName` receives from another instance (and `match` accepts). */
export function remoteInvalidation(
  cacheName: string,
  match: (m: InvalidateMessage) => boolean = () => true,
): Promise<InvalidateMessage> {
  return new Promise((resolve) => {
    const fn = (raw: unknown) => {
      const m = raw as InvalidateMessage;
      if (m.name !== cacheName || !m.remote || !match(m)) return;
      unsubscribe(channelNames.invalidate, fn);
      resolve(m);
    };
    subscribe(channelNames.invalidate, fn);
  });
}

/**
 * Returns once `b` hears a delete sent by `a` after this call: both are on the bus, and (A's queue is
 * sent in order) everything A queued before has reached B. Probes again until one arrives, since a
 * probe published before B resubscribed is never heard.
 */
export async function barrier(a: Tiered, b: Tiered): Promise<void> {
  await vi.waitFor(
    async () => {
      const key = `probe-${Math.random()}`;
      const heard = remoteInvalidation(b.name, (m) => m.keys?.includes(key) === true);
      await a.cache.delete(key);
      await Promise.race([
        heard,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${b.name} did not hear ${a.name} yet`)), 250)),
      ]);
    },
    { timeout: 15_000, interval: 10 },
  );
}

/** A sets `key` (so Redis has it), then B reads it into its L1. */
export async function shared(a: Tiered, b: Tiered, key: string, value: string): Promise<void> {
  // Wait for B to hear the set first, or that message could drop B's copy right after the read.
  const heard = remoteInvalidation(b.name, (m) => m.keys?.includes(key) === true);
  await a.cache.set(key, value);
  await heard;
  if ((await b.cache.getOrLoad(key, () => 'not from redis')) !== value || b.cache.get(key) !== value) {
    throw new Error(`${b.name} did not read ${key}=${value} from Redis into its L1`);
  }
}
