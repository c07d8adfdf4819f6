// node:diagnostics_channel events. Publish sites check `hasSubscribers` first,
// so an uninstrumented writer pays one boolean check per event.
import { type Channel, channel } from 'node:diagnostics_channel';

/** The `node:diagnostics_channel` name of each event a writer publishes, `perf:batch-writer:<event>`. */
export const channelNames = {
  /** A batch (or the part of it the sink reported written) was written. */
  flush: 'perf:batch-writer:flush',
  /** A failed batch is about to be retried after a backoff. */
  retry: 'perf:batch-writer:retry',
  /** A failing batch is bisected to isolate its bad items. */
  split: 'perf:batch-writer:split',
  /** Items were dead-lettered. */
  deadLetter: 'perf:batch-writer:dead-letter',
  /**
   * An item was refused because the writer is full: by `add()` (`maxQueued` items held), or by
   * `write()` (`maxWaiting` calls already wait for space).
   */
  reject: 'perf:batch-writer:reject',
} as const;

/** Message of `perf:batch-writer:flush`. */
export interface FlushMessage {
  /** The writer's `name` option. */
  readonly name: string;
  /** Items written. */
  readonly size: number;
  /** 0 on the first attempt, then the retry number. */
  readonly attempt: number;
  /** Time inside `flush`, in ms of the writer's `now`. */
  readonly durationMs: number;
}

/** Message of `perf:batch-writer:retry`. */
export interface RetryMessage {
  /** The writer's `name` option. */
  readonly name: string;
  /** Items to retry. */
  readonly size: number;
  /** The retry about to be made: 1, 2, … */
  readonly attempt: number;
  /** The backoff before it, in ms. */
  readonly delayMs: number;
  /** The error that made the batch fail. */
  readonly error: unknown;
}

/** Message of `perf:batch-writer:split`. */
export interface SplitMessage {
  /** The writer's `name` option. */
  readonly name: string;
  /** Items of the batch being bisected. */
  readonly size: number;
  /** The error that made the batch fail. */
  readonly error: unknown;
}

/** Message of `perf:batch-writer:dead-letter`. */
export interface DeadLetterMessage {
  /** The writer's `name` option. */
  readonly name: string;
  /** Items dead-lettered. */
  readonly count: number;
  /** The error of the first of them. */
  readonly error: unknown;
}

/** Message of `perf:batch-writer:reject`. */
export interface RejectMessage {
  /** The writer's `name` option. */
  readonly name: string;
  /** Which call was refused. */
  readonly method: 'add' | 'write';
  readonly maxQueued: number;
  readonly maxWaiting: number;
}

/** The message type of each event in {@link channelNames}. */
export interface BatchWriterChannelMessages {
  flush: FlushMessage;
  retry: RetryMessage;
  split: SplitMessage;
  deadLetter: DeadLetterMessage;
  reject: RejectMessage;
}

/** A channel whose `publish` accepts only its own message type. */
type TypedChannel<Message> = Omit<Channel, 'publish'> & { publish(message: Message): void };

/** One channel per event, made from {@link channelNames}. */
export const channels: {
  readonly [E in keyof BatchWriterChannelMessages]: TypedChannel<BatchWriterChannelMessages[E]>;
} = {
  flush: channel(channelNames.flush),
  retry: channel(channelNames.retry),
  split: channel(channelNames.split),
  deadLetter: channel(channelNames.deadLetter),
  reject: channel(channelNames.reject),
};
