// The type-level rules of the package contract (CONTRIBUTING.md): every
// channel has a message type that carries the instance `name`, and the base
// error's `code` is the union of the package's codes, so `switch` narrows it.
import { describe, expectTypeOf, it } from 'vitest';
import type * as batchWriter from '../../../packages/batch-writer/src/index.js';
import type * as bufferPool from '../../../packages/buffer-pool/src/index.js';
import type * as cache from '../../../packages/cache/src/index.js';
import type * as circuitBreaker from '../../../packages/circuit-breaker/src/index.js';
import type * as jwtCache from '../../../packages/jwt-cache/src/index.js';
import type * as metrics from '../../../packages/metrics/src/index.js';
import type * as rateLimit from '../../../packages/rate-limit/src/index.js';

type Named = { readonly name: string };

describe('channel messages carry the instance name; error codes are a union', () => {
  it('@perf/batch-writer', () => {
    expectTypeOf<keyof batchWriter.BatchWriterChannelMessages>().toEqualTypeOf<keyof typeof batchWriter.channelNames>();
    expectTypeOf<
      batchWriter.BatchWriterChannelMessages[keyof batchWriter.BatchWriterChannelMessages]
    >().toExtend<Named>();
    expectTypeOf<batchWriter.BatchWriterError['code']>().toEqualTypeOf<batchWriter.BatchWriterErrorCode>();
  });
  it('@perf/buffer-pool', () => {
    expectTypeOf<keyof bufferPool.BufferPoolChannelMessages>().toEqualTypeOf<keyof typeof bufferPool.channelNames>();
    expectTypeOf<bufferPool.BufferPoolChannelMessages[keyof bufferPool.BufferPoolChannelMessages]>().toExtend<Named>();
    expectTypeOf<bufferPool.BufferPoolError['code']>().toEqualTypeOf<bufferPool.BufferPoolErrorCode>();
  });
  it('@perf/cache', () => {
    expectTypeOf<keyof cache.CacheChannelMessages>().toEqualTypeOf<keyof typeof cache.channelNames>();
    expectTypeOf<cache.CacheChannelMessages[keyof cache.CacheChannelMessages]>().toExtend<Named>();
    expectTypeOf<cache.CacheError['code']>().toEqualTypeOf<cache.CacheErrorCode>();
  });
  it('@perf/circuit-breaker', () => {
    expectTypeOf<keyof circuitBreaker.CircuitBreakerChannelMessages>().toEqualTypeOf<
      keyof typeof circuitBreaker.channelNames
    >();
    expectTypeOf<
      circuitBreaker.CircuitBreakerChannelMessages[keyof circuitBreaker.CircuitBreakerChannelMessages]
    >().toExtend<Named>();
    expectTypeOf<circuitBreaker.CircuitBreakerError['code']>().toEqualTypeOf<circuitBreaker.CircuitBreakerErrorCode>();
  });
  it('@perf/jwt-cache', () => {
    expectTypeOf<keyof jwtCache.JwtCacheChannelMessages>().toEqualTypeOf<keyof typeof jwtCache.channelNames>();
    expectTypeOf<jwtCache.JwtCacheChannelMessages[keyof jwtCache.JwtCacheChannelMessages]>().toExtend<Named>();
    expectTypeOf<jwtCache.JwtCacheError['code']>().toEqualTypeOf<jwtCache.JwtCacheErrorCode>();
  });
  it('@perf/metrics', () => {
    expectTypeOf<keyof metrics.MetricsChannelMessages>().toEqualTypeOf<keyof typeof metrics.channelNames>();
    expectTypeOf<metrics.MetricsChannelMessages[keyof metrics.MetricsChannelMessages]>().toExtend<Named>();
    expectTypeOf<metrics.MetricsError['code']>().toEqualTypeOf<metrics.MetricsErrorCode>();
  });
  it('@perf/rate-limit', () => {
    expectTypeOf<keyof rateLimit.RateLimitChannelMessages>().toEqualTypeOf<keyof typeof rateLimit.channelNames>();
    expectTypeOf<rateLimit.RateLimitChannelMessages[keyof rateLimit.RateLimitChannelMessages]>().toExtend<Named>();
    expectTypeOf<rateLimit.RateLimitError['code']>().toEqualTypeOf<rateLimit.RateLimitErrorCode>();
  });
});
