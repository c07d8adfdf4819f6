// The per-user rate limit, with @perf/rate-limit: USER_RATE_LIMIT requests per
// minute per caller (a token bucket: that many at once, then refilling over the
// minute), one quota for git and the API together, keyed by the token's
// subject, or for anonymous callers (of public repositories) by source
// address, IPv6 grouped by /64. In memory, or with REDIS_URL one quota for
// the whole fleet on Redis.
//
// A git operation pays for all its requests when it starts, on its info/refs
// request (a clone 3 in protocol v2, 2 in v0; a push 2): git prints the text
// of a refused info/refs answer ("remote: …"), but of a refused POST only
// "RPC failed; HTTP 429", in the middle of the operation. The POSTs that
// follow count against a second quota, twice the size, that only a client
// sending POSTs without their info/refs (or fetches with many negotiation
// rounds at the full rate) can run out of.
import type { ServerResponse } from 'node:http';
import { type Decision, ipKey, RateLimiter, RateLimitHeaders } from '@perf/rate-limit';
import { RedisRateLimiter } from '@perf/rate-limit/redis';
import { type ServiceName, wantsV2 } from './git/protocol.js';

/** `requests`: every request, git operations paid on their info/refs; `git-rpc`: the git POSTs. */
export type QuotaName = 'requests' | 'git-rpc';

export interface UserQuotaOptions {
  /** Requests per minute per caller (the `requests` quota; `git-rpc` is twice this). */
  readonly perMinute: number;
  readonly redisUrl: string | undefined;
  /** Prefix of the fleet's Redis keys. */
  readonly redisPrefix: string;
  /** How many instances share the quota through Redis: while Redis is down each one allows its share. */
  readonly instances: number;
  /** The in-memory limiters' clock (ms), for tests; on Redis the decisions take Redis' time. */
  readonly now?: () => number;
}

/** A refused request: the headers (RateLimit, Retry-After) are set; the route answers 429 with `message`. */
export interface Limited {
  readonly quota: QuotaName;
  readonly caller: 'user' | 'anonymous';
  readonly message: string;
}

export type QuotaStats = Readonly<Record<string, unknown>>;

interface Quota {
  readonly limiter: RateLimiter | RedisRateLimiter;
  readonly headers: RateLimitHeaders;
}

/** The requests of a git operation, paid by its info/refs request: itself and the POSTs git sends after it. */
export function operationCost(service: ServiceName, protocol: string | undefined): number {
  if (service === 'git-receive-pack') return 2; // info/refs, the push
  return wantsV2(protocol) ? 3 : 2; // v2: info/refs, ls-refs, fetch; v0: info/refs, the fetch
}

/** Whose quota a request is charged to. Subjects and addresses live apart, so no subject can spend an address's quota. */
export function quotaKey(subject: string | undefined, address: string | undefined): string {
  return subject === undefined ? `ip:${ipKey(address ?? 'unknown')}` : `sub:${subject}`;
}

/** The largest cost of one request (a clone in protocol v2): a quota must hold at least this. */
export const LARGEST_COST = 3;

export class UserQuota {
  readonly #quotas: Readonly<Record<QuotaName, Quota>>;

  constructor(options: UserQuotaOptions) {
    const make = (name: QuotaName, perMinute: number): Quota => {
      const shape = { name, algorithm: 'token-bucket' as const, limit: perMinute, windowMs: 60_000 };
      const limiter =
        options.redisUrl === undefined
          ? new RateLimiter(options.now ? { ...shape, now: options.now } : shape)
          : new RedisRateLimiter({
              ...shape,
              redis: options.redisUrl,
              prefix: `${options.redisPrefix}.rate.${name}`,
              timeoutMs: 100,
              // Redis down: each instance allows its share of the quota (limit / instances) rather than
              // every request (fail-open) or none (fail-closed). No leases: git requests are few per
              // caller and each runs a git process; an exact round trip costs nothing next to it.
              onRedisDown: 'insurance',
              instances: options.instances,
            });
      return { limiter, headers: new RateLimitHeaders(limiter) };
    };
    this.#quotas = { requests: make('requests', options.perMinute), 'git-rpc': make('git-rpc', options.perMinute * 2) };
  }

  /**
   * Takes `cost` from the caller's quota and sets the RateLimit headers on `res` (on the raw
   * response, so that they go out with a hijacked reply too); on a refusal Retry-After as
   * well, and the refusal is returned.
   */
  async charge(
    name: QuotaName,
    subject: string | undefined,
    address: string | undefined,
    cost: number,
    res: ServerResponse,
  ): Promise<Limited | undefined> {
    const quota = this.#quotas[name];
    const decision = await quota.limiter.consume(quotaKey(subject, address), cost);
    res.setHeader('RateLimit-Policy', quota.headers.policy);
    res.setHeader('RateLimit', quota.headers.rateLimit(decision));
    if (decision.allowed) return undefined;
    const seconds = retryAfterSeconds(decision);
    res.setHeader('Retry-After', String(seconds));
    return {
      quota: name,
      caller: subject === undefined ? 'anonymous' : 'user',
      message: refusalMessage(name, subject, address, decision, seconds),
    };
  }

  /** Each quota's counters (allowed, rejected; with Redis also its failures and the insurance decisions). */
  stats(): Readonly<Record<QuotaName, QuotaStats>> {
    return {
      requests: { ...this.#quotas.requests.limiter.stats() },
      'git-rpc': { ...this.#quotas['git-rpc'].limiter.stats() },
    };
  }

  async close(): Promise<void> {
    for (const { limiter } of Object.values(this.#quotas)) {
      if (limiter instanceof RedisRateLimiter) await limiter.close();
    }
  }
}

/** As RateLimitHeaders computes Retry-After: whole seconds, at least 1. */
const retryAfterSeconds = (d: Decision): number => Math.max(1, Math.ceil(d.retryAfterMs / 1000));

/** What the caller reads (git prints it as "remote: …" under a refused info/refs). */
function refusalMessage(
  name: QuotaName,
  subject: string | undefined,
  address: string | undefined,
  d: Decision,
  seconds: number,
): string {
  const who = subject === undefined ? `the address ${ipKey(address ?? 'unknown')} (anonymous requests)` : subject;
  const retry = `retry in ${seconds} s`;
  if (name === 'git-rpc') {
    return `rate limit: ${who} sent more than ${d.limit} git POST requests in a minute; ${retry}`;
  }
  const hint = subject === undefined ? ', or give an access token (a user has a quota of its own)' : '';
  return `rate limit: ${who} has spent its quota of ${d.limit} requests per minute (git and API; a clone takes 3, a push 2); ${retry}${hint}`;
}
