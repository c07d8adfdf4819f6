// The Redis second level (entry point `@perf/cache/redis`, so the core never
// loads ioredis). Values live under `<namespace>:v:<key>`, tag sets under
// `<namespace>:t:<tag>`, load locks under `<namespace>:l:<key>`, and the
// invalidation bus is the pub/sub channel `<namespace>:bus`.
import { Redis, type RedisOptions } from 'ioredis';
import { resolveRedisTierOptions } from './options.js';
import type { InvalidationMessage, SecondLevel, SecondLevelEvents, StoredValue } from './secondLevel.js';

/** Options of `new RedisTier(options)`; here rather than in options.ts since they name ioredis' types. */
export interface RedisTierOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** Prefix of every key and of the bus channel (letters, digits, `_ . -`): two caches with different namespaces never collide. */
  readonly namespace: string;
  /**
   * Extra ioredis options. By default commands fail at once while disconnected
   * (`enableOfflineQueue: false`) so a read falls through to the loader instead of queueing,
   * and the client reconnects forever with a back-off capped at 2 s.
   */
  readonly redisOptions?: Omit<RedisOptions, 'replyMapping'>;
  /**
   * Most invalidations the cache keeps while Redis is unreachable, to send them once it is back
   * (default 1,000). One more collapses them into a single "clear all": the namespace is emptied
   * in Redis and every instance drops its whole L1.
   */
  readonly maxQueuedInvalidations?: number;
}

// SADD, then give the tag set the longest TTL of its members (none if any member has none).
const TAG_ADD = `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
elseif existed == 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  local left = redis.call('PTTL', KEYS[1])
  if left >= 0 and left < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
end
return 1`;

// Deletes every member of a tag set and the set itself, atomically.
const TAG_DROP = `
local members = redis.call('SMEMBERS', KEYS[1])
for i = 1, #members do redis.call('DEL', members[i]) end
redis.call('DEL', KEYS[1])
return #members`;

// Releases a lock only if this caller still holds it.
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface Wire {
  v: unknown;
  /** expiresAt; null for "never" (JSON has no Infinity). */
  e: number | null;
  w: number | null;
  i: number | null;
  t?: readonly string[];
}

const toWire = (n: number): number | null => (Number.isFinite(n) ? n : null);
const fromWire = (n: number | null): number => (n === null ? Number.POSITIVE_INFINITY : n);

/** A `SecondLevel` on Redis via ioredis: one connection for commands, one for the invalidation bus. */
export class RedisTier implements SecondLevel {
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #ns: string;
  readonly #bus: string;
  readonly maxQueuedInvalidations: number;
  #listener: ((m: InvalidationMessage) => void) | undefined;
  #events: SecondLevelEvents | undefined;
  #firstConnect: Promise<void> | undefined;
  /**
   * `never`: not subscribed yet and no failure so far; `up`: subscribed; `lost`: the connection closed
   * or failed since (messages may have been missed until the next subscription).
   */
  #busState: 'never' | 'up' | 'lost' = 'never';
  /** Closes of the bus connection so far: a SUBSCRIBE reply from an older connection proves nothing. */
  #busCloses = 0;
  /** Connection errors seen (the clients keep reconnecting). */
  connectionErrors = 0;

  constructor(options: RedisTierOptions) {
    const o = resolveRedisTierOptions(options);
    this.maxQueuedInvalidations = o.maxQueuedInvalidations;
    this.#ns = o.namespace;
    this.#bus = `${this.#ns}:bus`;
    const base: Omit<RedisOptions, 'replyMapping'> = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 100, 2000),
      ...o.redisOptions,
    };
    this.#client = new Redis(o.url, base);
    // The subscriber may queue its SUBSCRIBE until connected. We re-subscribe after a reconnect
    // ourselves: ioredis' autoResubscribe sends a SUBSCRIBE whose rejection nobody handles, so a
    // connection lost right after reconnecting would be an unhandled rejection (a crash by default).
    this.#subscriber = new Redis(o.url, {
      ...base,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResubscribe: false,
    });
    this.#subscriber.on('ready', () => {
      if (this.#listener !== undefined) void this.#subscribeBus();
    });
    // Closed, or a connection attempt failed: messages published from now on are missed here.
    this.#subscriber.on('close', () => {
      this.#busCloses++;
      this.#busState = 'lost';
    });
    this.#client.on('ready', () => this.#events?.reconnected?.());
    // Without a listener an 'error' event would crash the process; failures surface per command instead.
    const onError = () => {
      this.connectionErrors++;
    };
    this.#client.on('error', onError);
    this.#subscriber.on('error', onError);
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#bus || this.#listener === undefined) return;
      let parsed: InvalidationMessage;
      try {
        parsed = JSON.parse(message) as InvalidationMessage;
      } catch {
        return; // not ours: ignore foreign publishers on the channel
      }
      this.#listener(parsed);
    });
  }

  /** Resolves once both connections are up and the bus is subscribed (useful in tests and at start). */
  async ready(): Promise<void> {
    const up = (r: Redis) =>
      r.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => r.once('ready', () => resolve()));
    await Promise.all([up(this.#client), up(this.#subscriber)]);
    if (this.#listener !== undefined) await this.#subscribeBus();
  }

  /**
   * Commands fail fast while disconnected, except during the very first
   * connection: a read issued right after start waits for it (bounded by the
   * cache's secondLevelTimeoutMs) instead of failing for nothing.
   */
  #usable(): Promise<void> | undefined {
    const c = this.#client;
    if (c.status !== 'wait' && c.status !== 'connecting' && c.status !== 'connect') return undefined;
    if (this.#firstConnect === undefined) {
      this.#firstConnect = new Promise<void>((resolve) => {
        const done = () => {
          c.off('ready', done);
          c.off('error', done);
          c.off('close', done);
          resolve();
        };
        c.on('ready', done);
        c.on('error', done);
        c.on('close', done);
      });
    }
    return this.#firstConnect;
  }

  #key(key: string): string {
    return `${this.#ns}:v:${key}`;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    await this.#usable();
    const raw = await this.#client.get(this.#key(key));
    if (raw === null) return undefined;
    const w = JSON.parse(raw) as Wire;
    return {
      value: w.v,
      expiresAt: fromWire(w.e),
      staleWhileRevalidateUntil: fromWire(w.w),
      staleIfErrorUntil: fromWire(w.i),
      ...(w.t ? { tags: w.t } : {}),
    };
  }

  async set(key: string, value: StoredValue, ttlMs: number | undefined): Promise<void> {
    const wire: Wire = {
      v: value.value,
      e: toWire(value.expiresAt),
      w: toWire(value.staleWhileRevalidateUntil),
      i: toWire(value.staleIfErrorUntil),
      ...(value.tags ? { t: value.tags } : {}),
    };
    const k = this.#key(key);
    await this.#usable();
    const pipeline = this.#client.pipeline();
    if (ttlMs === undefined) pipeline.set(k, JSON.stringify(wire));
    else pipeline.set(k, JSON.stringify(wire), 'PX', ttlMs);
    for (const tag of value.tags ?? []) pipeline.eval(TAG_ADD, 1, `${this.#ns}:t:${tag}`, k, ttlMs ?? 0);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  async delete(keys: readonly string[]): Promise<void> {
    await this.#usable();
    if (keys.length > 0) await this.#client.del(...keys.map((k) => this.#key(k)));
  }

  async invalidateTag(tag: string): Promise<void> {
    await this.#usable();
    await this.#client.eval(TAG_DROP, 1, `${this.#ns}:t:${tag}`);
  }

  async clear(): Promise<void> {
    await this.#usable();
    let cursor = '0';
    do {
      const [next, keys] = await this.#client.scan(cursor, 'MATCH', `${this.#ns}:*`, 'COUNT', 500);
      if (keys.length > 0) await this.#client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async publish(message: InvalidationMessage): Promise<void> {
    await this.#usable();
    await this.#client.publish(this.#bus, JSON.stringify(message));
  }

  subscribe(listener: (message: InvalidationMessage) => void, events?: SecondLevelEvents): void {
    this.#listener = listener;
    this.#events = events;
    // Queued until connected; after a failure the 'ready' of the next connection subscribes again.
    void this.#subscribeBus();
  }

  /** Subscribes the bus; rejects (already counted) when the connection fails first. */
  #subscribeBus(): Promise<void> {
    const closes = this.#busCloses;
    const subscribed = this.#subscriber.subscribe(this.#bus).then(() => {
      if (closes !== this.#busCloses) return; // that connection is gone; its successor subscribes again
      const wasLost = this.#busState === 'lost';
      this.#busState = 'up';
      if (wasLost) this.#events?.busRestored?.();
    });
    subscribed.catch(() => {
      this.connectionErrors++;
    });
    return subscribed;
  }

  async acquireLock(key: string, token: string, ttlMs: number): Promise<boolean> {
    await this.#usable();
    return (await this.#client.set(`${this.#ns}:l:${key}`, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseLock(key: string, token: string): Promise<void> {
    await this.#usable();
    await this.#client.eval(UNLOCK, 1, `${this.#ns}:l:${key}`, token);
  }

  /** Disconnects both connections (the cache calls it from its own `close()`). */
  async close(): Promise<void> {
    this.#client.disconnect();
    this.#subscriber.disconnect();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
