import { channel } from 'node:diagnostics_channel';

// Published only when `hasSubscribers`, so an uninstrumented call pays one boolean check.

/** `{ breaker, from, to }` on every state change. */
export const stateChannel = channel('perf:circuit-breaker:state');
/** `{ breaker, error }` when a call is rejected (open, bulkhead full). */
export const rejectChannel = channel('perf:circuit-breaker:reject');
/** `{ breaker, error }` when a call fails (including timeouts). */
export const failureChannel = channel('perf:circuit-breaker:failure');
/** `{ breaker }` when a call succeeds. */
export const successChannel = channel('perf:circuit-breaker:success');
/** `{ breaker, timeoutMs }` when a call is cut by the timeout. */
export const timeoutChannel = channel('perf:circuit-breaker:timeout');
