// Entry point `@perf/rate-limit/fastify`: a plugin that limits every request
// of the instance it is registered on (and its children) with any limiter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitHeaders, refusal } from './headers.js';
import { ipKey } from './keys.js';
import type { Limiter } from './limiter.js';

export interface RateLimitPluginOptions {
  /** A `RateLimiter` or a `RedisRateLimiter`. */
  readonly limiter: Limiter;
  /** The key of a request (client id, user, ...). Default: the client IP, IPv6 grouped by /64 (`ipKey(request.ip)`). */
  readonly key?: (request: FastifyRequest) => string | Promise<string>;
  /** The cost of a request (default 1). */
  readonly cost?: (request: FastifyRequest) => number;
  /** Requests for which this returns true are not limited (health checks...). */
  readonly skip?: (request: FastifyRequest) => boolean;
  /** The policy name in the headers (default: the limiter's name). */
  readonly policy?: string;
}

async function rateLimitPlugin(fastify: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const { limiter } = options;
  const headers = new RateLimitHeaders(limiter, options.policy);
  const policyName = options.policy ?? limiter.name;
  const keyOf = options.key ?? ((request: FastifyRequest) => ipKey(request.ip));
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (options.skip?.(request)) return;
    const key = await keyOf(request);
    const decision = await limiter.consume(key, options.cost ? options.cost(request) : 1);
    reply.headers(headers.for(decision));
    if (decision.allowed) return;
    const { status, body } = refusal(decision, policyName);
    return reply.code(status).type('application/problem+json').send(body);
  });
}

// What fastify-plugin does, without the dependency: the hook applies to the
// instance the plugin is registered on rather than to a child context.
Object.assign(rateLimitPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@perf/rate-limit',
});

/** `fastify.register(rateLimit, { limiter })`: sets the RateLimit headers and answers refusals with 429 (503 when fail-closed). */
export const rateLimit: (fastify: FastifyInstance, options: RateLimitPluginOptions) => Promise<void> = rateLimitPlugin;
