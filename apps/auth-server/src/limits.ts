// Rate limits of the token endpoint, with @perf/rate-limit: per client (a
// token bucket of CLIENT_RATE_LIMIT per second), and per source address on
// failed client authentication (AUTH_FAILURE_LIMIT per minute, counted before
// any KDF runs, so guessing secrets is slow and cannot exhaust the CPU). With
// REDIS_URL the counts are the fleet's, through Redis; a client's quota uses
// local leases so most decisions make no round trip.
import { type Decision, ipKey, type Limiter, RateLimiter, RateLimitHeaders } from '@perf/rate-limit';
import { RedisRateLimiter } from '@perf/rate-limit/redis';
import { OAuthError } from './oauth/errors.js';

export interface LimitsOptions {
  readonly clientPerSecond: number;
  readonly failuresPerMinute: number;
  readonly redisUrl: string | undefined;
  /** Processes sharing the quotas through Redis: while Redis does not answer, each allows quota / processes. */
  readonly processes?: number;
}

/** Bound on the addresses remembered as blocked (the oldest leave first). */
const MAX_BLOCKED = 100_000;

type ClosableLimiter = Limiter & { close?(): Promise<unknown> };

export class RequestLimits {
  readonly #client: ClosableLimiter;
  readonly #clientHeaders: RateLimitHeaders;
  readonly #failures: ClosableLimiter;
  readonly #failureHeaders: RateLimitHeaders;
  /** Address key → when it may try again (ms): set when its failures ran out. */
  readonly #blocked = new Map<string, number>();

  constructor(options: LimitsOptions) {
    const client = {
      name: 'token',
      algorithm: 'token-bucket' as const,
      limit: options.clientPerSecond,
      windowMs: 1_000,
    };
    const failures = {
      name: 'auth-failures',
      algorithm: 'fixed-window' as const,
      limit: options.failuresPerMinute,
      windowMs: 60_000,
    };
    if (options.redisUrl === undefined) {
      this.#client = new RateLimiter(client);
      this.#failures = new RateLimiter(failures);
    } else {
      const shared = {
        redis: options.redisUrl,
        prefix: 'auth-server',
        timeoutMs: 100,
        onRedisDown: 'insurance' as const,
        instances: options.processes ?? 1,
      };
      // A lease of a tenth of a second's quota (when that is at least 2 tokens): the fleet may
      // overshoot by that much per instance (see @perf/rate-limit), and most decisions stay local.
      const leaseTokens = Math.floor(options.clientPerSecond / 10);
      const lease = leaseTokens >= 2 ? { lease: { tokens: leaseTokens, ttlMs: 100 } } : {};
      this.#client = new RedisRateLimiter({ ...client, ...shared, ...lease });
      this.#failures = new RedisRateLimiter({ ...failures, ...shared });
    }
    this.#clientHeaders = new RateLimitHeaders(this.#client);
    this.#failureHeaders = new RateLimitHeaders(this.#failures);
  }

  /** Before authenticating: 429 when this address failed too often lately. */
  beforeAuth(address: string, now = Date.now()): void {
    const until = this.#blocked.get(ipKey(address));
    if (until === undefined) return;
    if (until <= now) {
      this.#blocked.delete(ipKey(address));
      return;
    }
    const seconds = String(Math.max(1, Math.ceil((until - now) / 1000)));
    throw tooMany('too many failed client authentications from this address', {
      'retry-after': seconds,
      'ratelimit-policy': this.#failureHeaders.policy,
    });
  }

  /** After a failed authentication: counts it; the address is blocked once its quota ran out. */
  async onAuthFailure(address: string, now = Date.now()): Promise<void> {
    const key = ipKey(address);
    const d = await this.#failures.consume(key);
    if (!d.allowed) {
      if (this.#blocked.size >= MAX_BLOCKED) this.#blocked.delete(this.#blocked.keys().next().value as string);
      this.#blocked.set(key, now + d.retryAfterMs);
    }
  }

  /** The client's quota: RateLimit headers on the answer, or 429 with Retry-After. */
  async forClient(clientId: string, setHeaders: (headers: Record<string, string>) => void): Promise<void> {
    const d: Decision = await this.#client.consume(clientId);
    const headers = this.#clientHeaders.for(d);
    if (!d.allowed) throw tooMany('this client asks for tokens faster than its rate limit', lower(headers));
    setHeaders(headers);
  }

  async close(): Promise<void> {
    await this.#client.close?.();
    await this.#failures.close?.();
  }
}

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/** 429 Too Many Requests (RFC 6585) in the OAuth error shape. */
function tooMany(description: string, headers: Record<string, string>): OAuthError {
  return new OAuthError('rate_limited', description, 429, headers);
}
