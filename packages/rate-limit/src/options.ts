// The options of every limiter, their documentation, and the one resolver per
// limiter that turns a bad option into a typed error at construction rather
// than odd behaviour later.
import type { Algorithm, AlgorithmName } from './algorithm.js';
import { coarseNow } from './clock.js';
import { InvalidOptionError } from './errors.js';
import { FixedWindow } from './fixedWindow.js';
import { Gcra } from './gcra.js';
import { SlidingWindow } from './slidingWindow.js';
import { TokenBucket } from './tokenBucket.js';

/** What every limiter is configured with: the quota and how it refills. */
export interface QuotaOptions {
  /**
   * How the quota refills (default `'token-bucket'`):
   * - `'token-bucket'`: `burst` tokens, refilled continuously at `limit` per `windowMs`.
   * - `'gcra'`: the same decisions as the token bucket, stored as one timestamp per key.
   * - `'fixed-window'`: at most `limit` per window; a key's window opens at its first call.
   * - `'sliding-window'`: the previous window's count weighted by its overlap plus the current one.
   */
  readonly algorithm?: AlgorithmName;
  /** Units (requests, or the `cost` of calls) allowed per `windowMs`. A positive finite number. */
  readonly limit: number;
  /** The window, in milliseconds. A positive finite number. */
  readonly windowMs: number;
  /** Most units one key can take at once, for `'token-bucket'` and `'gcra'` (default: `limit`). */
  readonly burst?: number;
  /** Names the limiter in `stats()`, diagnostics_channel messages and the `RateLimit-Policy` header. Default `'rate-limit'`. */
  readonly name?: string;
  /** Clock in ms, for tests. Default: `Date.now()` (the in-memory limiter reads it at most once per millisecond). */
  readonly now?: () => number;
}

/** Options of the in-memory `RateLimiter`. */
export interface RateLimiterOptions extends QuotaOptions {
  /**
   * Most keys kept in memory (default 1,000,000). Idle keys leave on their own
   * (no timer per key); past this bound a key of the older generation (not
   * used since the last rotation) is forgotten early and starts over with a full quota (`stats().evictions`).
   */
  readonly maxKeys?: number;
}

/**
 * The part of an ioredis client (`Redis` or `Cluster`) the Redis limiter uses;
 * any client with these two commands works.
 */
export interface RedisClientLike {
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** What the Redis limiter does while Redis cannot answer (down, paused, slower than `timeoutMs`). */
export type RedisDownPolicy = 'fail-open' | 'fail-closed' | 'insurance';

/** Options of `RedisRateLimiter` (`@perf/rate-limit/redis`). */
export interface RedisRateLimiterOptions extends QuotaOptions {
  /**
   * A Redis URL (the limiter creates its client, failing fast while disconnected, and closes it on
   * `close()`), or your own ioredis `Redis`/`Cluster` (left open on `close()`;
   * create it with `enableOfflineQueue: false` so calls fail fast while disconnected).
   */
  readonly redis: string | RedisClientLike;
  /** Prefix of every key, `<prefix>:{<key>}` (no braces). Two limiters with different prefixes never share a quota. Default `'rl'`. */
  readonly prefix?: string;
  /** Longest wait for Redis per decision before the `onRedisDown` policy decides, in ms (default 100). */
  readonly timeoutMs?: number;
  /**
   * While Redis cannot answer (default `'insurance'`):
   * - `'fail-open'`: allow every call;
   * - `'fail-closed'`: refuse every call (`source: 'fail-closed'`, answered 503 by the HTTP helpers);
   * - `'insurance'`: decide with an in-memory limiter of the same algorithm sized `limit / instances`.
   */
  readonly onRedisDown?: RedisDownPolicy;
  /** How many instances share the quota; sizes the insurance limiter (default 1). */
  readonly instances?: number;
  /** The breaker that stops calling a dead Redis, so it adds no latency. */
  readonly breaker?: {
    /** Consecutive failures (errors or timeouts) that open it (default 3). */
    readonly failureThreshold?: number;
    /** How long it stays open before one trial call, in ms (default 1000). */
    readonly openMs?: number;
  };
  /**
   * Local leases (off by default): a decision that reaches Redis takes up to
   * `tokens` units at once and spends the rest locally for at most `ttlMs`,
   * cutting round trips for hot keys. The fleet can overshoot the limit by at
   * most `limit × ttlMs / windowMs` (token-bucket, GCRA; never more than
   * instances × tokens) and never overshoots a fixed window: see the README.
   */
  readonly lease?: {
    /** Most units taken per round trip (≥ 2). */
    readonly tokens: number;
    /** Longest a leased unit may be spent after it was taken, in ms. */
    readonly ttlMs: number;
  };
}

export const ALGORITHMS: readonly AlgorithmName[] = ['token-bucket', 'gcra', 'fixed-window', 'sliding-window'];

const POSITIVE = 'a positive finite number';

function positiveFinite(option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError(option, POSITIVE, value);
  }
  return value;
}

function positiveInteger(option: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(option, `an integer ≥ ${min}`, value);
  }
  return value;
}

function nowOption(now: unknown, fallback: () => number): () => number {
  if (now === undefined) return fallback;
  if (typeof now !== 'function') throw new InvalidOptionError('now', 'a function returning ms', now);
  return now as () => number;
}

function nameOption(name: unknown): string {
  if (name === undefined) return 'rate-limit';
  if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionError('name', 'a non-empty string', name);
  return name;
}

/** The algorithm object for validated quota options. */
export function resolveAlgorithm(o: QuotaOptions): Algorithm {
  if (o === null || typeof o !== 'object') throw new InvalidOptionError('options', 'an object', o);
  const name = o.algorithm ?? 'token-bucket';
  if (!ALGORITHMS.includes(name)) throw new InvalidOptionError('algorithm', `one of ${ALGORITHMS.join(', ')}`, name);
  const limit = positiveFinite('limit', o.limit);
  const windowMs = positiveFinite('windowMs', o.windowMs);
  if (o.burst !== undefined && name !== 'token-bucket' && name !== 'gcra') {
    throw new InvalidOptionError('burst', `left out for '${name}' (only token-bucket and gcra have a burst)`, o.burst);
  }
  const burst = o.burst === undefined ? limit : positiveFinite('burst', o.burst);
  switch (name) {
    case 'token-bucket':
      return new TokenBucket(limit, windowMs, burst);
    case 'gcra':
      return new Gcra(limit, windowMs, burst);
    case 'fixed-window':
      return new FixedWindow(limit, windowMs);
    case 'sliding-window':
      return new SlidingWindow(limit, windowMs);
  }
}

export interface ResolvedLimiterOptions {
  readonly algorithm: Algorithm;
  readonly name: string;
  readonly now: () => number;
  readonly maxKeys: number;
}

export function resolveLimiterOptions(o: RateLimiterOptions): ResolvedLimiterOptions {
  const algorithm = resolveAlgorithm(o);
  return {
    algorithm,
    name: nameOption(o.name),
    // A hot in-memory decision costs about what Date.now() does: read it at most once per ms.
    now: nowOption(o.now, coarseNow),
    maxKeys: o.maxKeys === undefined ? 1_000_000 : positiveInteger('maxKeys', o.maxKeys),
  };
}

export interface ResolvedRedisOptions {
  readonly algorithm: Algorithm;
  readonly name: string;
  readonly now: () => number;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly onRedisDown: RedisDownPolicy;
  readonly instances: number;
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly lease: { readonly tokens: number; readonly ttlMs: number } | undefined;
}

const POLICIES: readonly RedisDownPolicy[] = ['fail-open', 'fail-closed', 'insurance'];

export function resolveRedisOptions(o: RedisRateLimiterOptions): ResolvedRedisOptions {
  const algorithm = resolveAlgorithm(o);
  const redis: unknown = o.redis;
  const isClient =
    redis !== null &&
    typeof redis === 'object' &&
    typeof (redis as RedisClientLike).evalsha === 'function' &&
    typeof (redis as RedisClientLike).eval === 'function';
  if (!isClient && (typeof redis !== 'string' || !/^rediss?:\/\//.test(redis))) {
    throw new InvalidOptionError('redis', 'a redis:// or rediss:// URL or an ioredis client', redis);
  }
  const prefix = o.prefix ?? 'rl';
  if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
    throw new InvalidOptionError('prefix', 'a non-empty string without { or } (they would break the hash tag)', prefix);
  }
  const onRedisDown = o.onRedisDown ?? 'insurance';
  if (!POLICIES.includes(onRedisDown)) {
    throw new InvalidOptionError('onRedisDown', `one of ${POLICIES.join(', ')}`, onRedisDown);
  }
  const breaker = o.breaker ?? {};
  let lease: ResolvedRedisOptions['lease'];
  if (o.lease !== undefined) {
    if (o.lease === null || typeof o.lease !== 'object') throw new InvalidOptionError('lease', 'an object', o.lease);
    const tokens = positiveInteger('lease.tokens', o.lease.tokens, 2);
    if (tokens > algorithm.capacity) {
      throw new InvalidOptionError('lease.tokens', `at most the burst/limit (${algorithm.capacity})`, tokens);
    }
    lease = { tokens, ttlMs: positiveFinite('lease.ttlMs', o.lease.ttlMs) };
  }
  return {
    algorithm,
    name: nameOption(o.name),
    // Not the coarse clock: its 1 ms timer costs a Redis decision more (about 20 µs one call
    // at a time, measured) than Date.now() does, and the decision is Redis' time anyway.
    now: nowOption(o.now, Date.now),
    prefix,
    timeoutMs: o.timeoutMs === undefined ? 100 : positiveFinite('timeoutMs', o.timeoutMs),
    onRedisDown,
    instances: o.instances === undefined ? 1 : positiveInteger('instances', o.instances),
    failureThreshold:
      breaker.failureThreshold === undefined
        ? 3
        : positiveInteger('breaker.failureThreshold', breaker.failureThreshold),
    openMs: breaker.openMs === undefined ? 1000 : positiveFinite('breaker.openMs', breaker.openMs),
    lease,
  };
}
