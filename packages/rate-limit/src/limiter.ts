import type { Decision } from './decision.js';

/**
 * What the HTTP helpers need of a limiter: `RateLimiter` (in memory) and
 * `RedisRateLimiter` both fit, and so does any object of this shape.
 */
export interface Limiter {
  /** Named in the `RateLimit-Policy` and `RateLimit` headers unless a `policy` is given. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Most units one key can take at once (the burst). */
  readonly capacity: number;
  consume(key: string, cost?: number): Decision | Promise<Decision>;
}
