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

/** `RejectMessage` on every refused call. */
export const rejectChannel = channel('perf:rate-limit:reject');
/** `EvictMessage` when `maxKeys` forces a key out early. */
export const evictChannel = channel('perf:rate-limit:evict');
/** `StoreErrorMessage` on every failed or timed-out Redis call. */
export const storeErrorChannel = channel('perf:rate-limit:store-error');
/** `FallbackMessage` on every decision made without Redis. */
export const fallbackChannel = channel('perf:rate-limit:fallback');
/** `BreakerMessage` on every breaker state change. */
export const breakerChannel = channel('perf:rate-limit:breaker');
/** `LeaseMessage` on every lease taken from Redis. */
export const leaseChannel = channel('perf:rate-limit:lease');
