// diagnostics_channel names and message types of this package. Publishers check
// `hasSubscribers` first, so an uninstrumented call pays one boolean check.
import { channel } from 'node:diagnostics_channel';
import type { BreakerOpenError, BulkheadFullError } from './errors.js';
import type { BreakerState } from './state.js';

/** Every channel this package publishes on, by event. */
export const channelNames = {
  /** The circuit changed state: {@link StateMessage}. */
  state: 'perf:circuit-breaker:state',
  /** A call was refused without running (circuit open, bulkhead full): {@link RejectMessage}. */
  reject: 'perf:circuit-breaker:reject',
  /** A call failed, timeouts included: {@link FailureMessage}. */
  failure: 'perf:circuit-breaker:failure',
  /** A call succeeded: {@link SuccessMessage}. */
  success: 'perf:circuit-breaker:success',
  /** A call was cut by `timeoutMs`: {@link TimeoutMessage}. */
  timeout: 'perf:circuit-breaker:timeout',
} as const;

/** On `perf:circuit-breaker:state`, synchronously, in the order the transitions happened. */
export interface StateMessage {
  /** The breaker's `name` option. */
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
}

/** On `perf:circuit-breaker:reject`: the error the caller receives. */
export interface RejectMessage {
  /** The breaker's `name` option. */
  readonly name: string;
  readonly error: BreakerOpenError | BulkheadFullError;
}

/** On `perf:circuit-breaker:failure`: an error counted as a failure (our own timeout or `fn`'s error). */
export interface FailureMessage {
  /** The breaker's `name` option. */
  readonly name: string;
  readonly error: unknown;
}

/** On `perf:circuit-breaker:success`. */
export interface SuccessMessage {
  /** The breaker's `name` option. */
  readonly name: string;
}

/** On `perf:circuit-breaker:timeout`, before the matching failure message. */
export interface TimeoutMessage {
  /** The breaker's `name` option. */
  readonly name: string;
  /** The breaker's `timeoutMs` option. */
  readonly timeoutMs: number;
}

/** The message type of each channel, by event (the keys of {@link channelNames}). */
export interface CircuitBreakerChannelMessages {
  state: StateMessage;
  reject: RejectMessage;
  failure: FailureMessage;
  success: SuccessMessage;
  timeout: TimeoutMessage;
}

/** A channel whose `publish` only takes its own message type. */
interface TypedChannel<M> {
  readonly hasSubscribers: boolean;
  publish(message: M): void;
}

function typed<E extends keyof CircuitBreakerChannelMessages>(
  event: E,
): TypedChannel<CircuitBreakerChannelMessages[E]> {
  return channel(channelNames[event]);
}

export const stateChannel = typed('state');
export const rejectChannel = typed('reject');
export const failureChannel = typed('failure');
export const successChannel = typed('success');
export const timeoutChannel = typed('timeout');
