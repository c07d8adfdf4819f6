import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { describe, expectTypeOf, test } from 'vitest';
import { type RateLimitPluginOptions, rateLimit } from '../src/fastify.js';
import {
  type Decision,
  type DecisionSource,
  type InvalidOptionError,
  type Limiter,
  type RateLimitError,
  type RateLimitErrorCode,
  RateLimiter,
  type RateLimiterStats,
} from '../src/index.js';
import { RedisRateLimiter, type RedisRateLimiterStats } from '../src/redis.js';

describe('public types', () => {
  test('the in-memory limiter decides synchronously; the Redis one asynchronously', () => {
    const memory = new RateLimiter({ limit: 10, windowMs: 1000 });
    expectTypeOf(memory.consume('k')).toEqualTypeOf<Decision>();
    expectTypeOf(memory.stats()).toEqualTypeOf<RateLimiterStats>();
    const fleet = new RedisRateLimiter({ redis: 'redis://127.0.0.1:6379', limit: 10, windowMs: 1000 });
    expectTypeOf(fleet.consume('k', 2)).toEqualTypeOf<Promise<Decision>>();
    expectTypeOf(fleet.stats()).toEqualTypeOf<RedisRateLimiterStats>();
    expectTypeOf(fleet.close()).toEqualTypeOf<Promise<void>>();
    expectTypeOf<RateLimiter>().toMatchTypeOf<Limiter>();
    expectTypeOf<RedisRateLimiter>().toMatchTypeOf<Limiter>();
  });

  test('an ioredis client is accepted as is', () => {
    new RedisRateLimiter({ redis: new Redis({ lazyConnect: true }), limit: 1, windowMs: 1 });
  });

  test('options are checked by the compiler too', () => {
    // @ts-expect-error an unknown algorithm
    new RateLimiter({ algorithm: 'leaky-bucket', limit: 1, windowMs: 1 });
    // @ts-expect-error the window is required
    new RateLimiter({ limit: 1 });
    // @ts-expect-error a Redis limiter needs its Redis
    new RedisRateLimiter({ limit: 1, windowMs: 1 });
  });

  test('decisions and errors are typed', () => {
    expectTypeOf<Decision['source']>().toEqualTypeOf<DecisionSource>();
    expectTypeOf<RateLimitError['code']>().toEqualTypeOf<RateLimitErrorCode>();
    expectTypeOf<InvalidOptionError['code']>().toEqualTypeOf<'PERF_RATE_LIMIT_INVALID_OPTION'>();
  });

  test('the fastify plugin registers with its options', () => {
    const register = (app: FastifyInstance) =>
      app.register(rateLimit, { limiter: new RateLimiter({ limit: 1, windowMs: 1 }), key: (r) => r.ip });
    expectTypeOf(register).returns.not.toBeAny();
    expectTypeOf<RateLimitPluginOptions['key']>().toEqualTypeOf<
      ((request: import('fastify').FastifyRequest) => string | Promise<string>) | undefined
    >();
  });
});
