// node:diagnostics_channel events. Publish sites check `hasSubscribers` first,
// so an uninstrumented writer pays one boolean check per event.
import { channel } from 'node:diagnostics_channel';

/** Published after a batch was written: `{ size, attempt, durationMs }`. */
export const flushChannel = channel('perf:batch:flush');
/** Published before a retry: `{ size, attempt, delayMs, error }`. */
export const retryChannel = channel('perf:batch:retry');
/** Published when a failing batch is bisected: `{ size, error }`. */
export const splitChannel = channel('perf:batch:split');
/** Published when items are dead-lettered: `{ count, error }`. */
export const deadLetterChannel = channel('perf:batch:dead-letter');
/**
 * Published when an item is refused because the writer is full: by `add()` (`maxQueued` items held), or by
 * `write()` (`maxWaiting` calls already wait for space): `{ method, maxQueued, maxWaiting }`.
 */
export const rejectChannel = channel('perf:batch:reject');

/** Payload of `perf:batch:flush`. */
export interface FlushEvent {
  readonly size: number;
  readonly attempt: number;
  readonly durationMs: number;
}
/** Payload of `perf:batch:retry`. */
export interface RetryEvent {
  readonly size: number;
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}
/** Payload of `perf:batch:split`. */
export interface SplitEvent {
  readonly size: number;
  readonly error: unknown;
}
/** Payload of `perf:batch:dead-letter`. */
export interface DeadLetterEvent {
  readonly count: number;
  readonly error: unknown;
}
/** Payload of `perf:batch:reject`. */
export interface RejectEvent {
  /** Which call was refused. */
  readonly method: 'add' | 'write';
  readonly maxQueued: number;
  readonly maxWaiting: number;
}
