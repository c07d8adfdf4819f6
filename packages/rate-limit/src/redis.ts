// Entry point `@perf/rate-limit/redis`: the fleet-wide limiter (loads ioredis;
// the core entry point never does).
export type { RedisRateLimiterStats } from './redisRateLimiter.js';
export { RedisRateLimiter } from './redisRateLimiter.js';
