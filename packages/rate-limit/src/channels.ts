// diagnostics_channel names of this package. Publishers check `hasSubscribers`
// first, so an uninstrumented decision pays one boolean read per event.
import { channel } from 'node:diagnostics_channel';
import type { Decision } from './decision.js';

/** A call was refused by the quota. */
export interface RejectMessage {
  /** The limiter's `name` option. */
  readonly name: string;
  readonly key: string;
  readonly cost: number;
  readonly decision: Decision;
}
/** A key's state was forgotten before it was idle because `maxKeys` was reached (it starts over with a full quota). */
export interface EvictMessage {
  readonly name: string;
  readonly key: string;
}
/** A Redis call failed or timed out; the decision used the `onRedisDown` policy. */
export interface StoreErrorMessage {
  readonly name: string;
  readonly error: unknown;
}
/** A decision was made by the `onRedisDown` policy instead of Redis. */
export interface FallbackMessage {
  readonly name: string;
  readonly key: string;
  readonly policy: 'fail-open' | 'fail-closed' | 'insurance';
  readonly allowed: boolean;
}
/** The breaker in front of Redis changed state. */
export interface BreakerMessage {
  readonly name: string;
  readonly from: 'closed' | 'open' | 'half-open';
  readonly to: 'closed' | 'open' | 'half-open';
}
/** Tokens were leased from Redis to be spent locally. */
export interface LeaseMessage {
  readonly name: string;
  readonly key: string;
  /** Units taken from Redis in this round trip (the call's own cost included). */
  readonly granted: number;
}

/** The `node:diagnostics_channel` name of each event, `perf:rate-limit:<event>`. */
export const channelNames = {
  /** A call was refused by the quota: `RejectMessage`. */
  reject: 'perf:rate-limit:reject',
  /** `maxKeys` forced a key out before it was idle: `EvictMessage`. */
  evict: 'perf:rate-limit:evict',
  /** A Redis call failed or timed out: `StoreErrorMessage`. */
  storeError: 'perf:rate-limit:store-error',
  /** A decision was made by the `onRedisDown` policy: `FallbackMessage`. */
  fallback: 'perf:rate-limit:fallback',
  /** The breaker in front of Redis changed state: `BreakerMessage`. */
  breaker: 'perf:rate-limit:breaker',
  /** Units were leased from Redis: `LeaseMessage`. */
  lease: 'perf:rate-limit:lease',
} as const;

/** The message type of each event of `channelNames`. */
export interface RateLimitChannelMessages {
  reject: RejectMessage;
  evict: EvictMessage;
  storeError: StoreErrorMessage;
  fallback: FallbackMessage;
  breaker: BreakerMessage;
  lease: LeaseMessage;
}

export const rejectChannel = channel(channelNames.reject);
export const evictChannel = channel(channelNames.evict);
export const storeErrorChannel = channel(channelNames.storeError);
export const fallbackChannel = channel(channelNames.fallback);
export const breakerChannel = channel(channelNames.breaker);
export const leaseChannel = channel(channelNames.lease);
