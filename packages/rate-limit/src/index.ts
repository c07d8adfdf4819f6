export type { AlgorithmName } from './algorithm.js';
export type {
  BreakerMessage,
  EvictMessage,
  FallbackMessage,
  LeaseMessage,
  RateLimitChannelMessages,
  RejectMessage,
  StoreErrorMessage,
} from './channels.js';
export { channelNames } from './channels.js';
export type { Decision, DecisionSource } from './decision.js';
export type { RateLimitErrorCode } from './errors.js';
export {
  InvalidArgumentError,
  InvalidOptionError,
  RateLimitError,
  RateLimiterClosedError,
  StoreTimeoutError,
} from './errors.js';
export { QUOTA_EXCEEDED, RateLimitHeaders, refusal } from './headers.js';
export { ipKey } from './keys.js';
export type { Limiter } from './limiter.js';
export type { HttpRateLimitOptions } from './nodeHttp.js';
export { httpRateLimit } from './nodeHttp.js';
export type {
  QuotaOptions,
  RateLimiterOptions,
  RedisClientLike,
  RedisDownPolicy,
  RedisRateLimiterOptions,
} from './options.js';
export type { RateLimiterStats } from './rateLimiter.js';
export { RateLimiter } from './rateLimiter.js';
