// The same for a plain node:http server: `if (!(await limit(req, res))) return;`
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimitHeaders, refusal } from './headers.js';
import { ipKey } from './keys.js';
import type { Limiter } from './limiter.js';

export interface HttpRateLimitOptions {
  /** A `RateLimiter` or a `RedisRateLimiter`. */
  readonly limiter: Limiter;
  /** The key of a request. Default: the peer address, IPv6 grouped by /64 (behind a proxy, pass your own). */
  readonly key?: (request: IncomingMessage) => string | Promise<string>;
  /** The cost of a request (default 1). */
  readonly cost?: (request: IncomingMessage) => number;
  /** The policy name in the headers (default: the limiter's name). */
  readonly policy?: string;
}

/**
 * A function that decides on one request, sets the RateLimit headers on the
 * response, and resolves `true` when the request may go on, or `false` when it
 * has already answered it (429, or 503 when Redis is down and fail-closed).
 */
export function httpRateLimit(
  options: HttpRateLimitOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const { limiter } = options;
  const headers = new RateLimitHeaders(limiter, options.policy);
  const policyName = options.policy ?? limiter.name;
  const keyOf = options.key ?? ((request: IncomingMessage) => ipKey(request.socket.remoteAddress ?? ''));
  return async (request, response) => {
    const key = await keyOf(request);
    const decision = await limiter.consume(key, options.cost ? options.cost(request) : 1);
    for (const [name, value] of Object.entries(headers.for(decision))) response.setHeader(name, value);
    if (decision.allowed) return true;
    const { status, body } = refusal(decision, policyName);
    response.writeHead(status, { 'content-type': 'application/problem+json' }).end(body);
    return false;
  };
}
