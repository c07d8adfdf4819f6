import { type Channel, channel } from 'node:diagnostics_channel';
import type { LeakReport } from './leakTracker.js';

/** The `node:diagnostics_channel` name of each event a pool publishes. */
export const channelNames = {
  /** A class had no free buffer: a new one was allocated. */
  miss: 'perf:buffer-pool:miss',
  /** A released buffer was not retained (class or total cap reached, or unpooled). */
  drop: 'perf:buffer-pool:drop',
  /** A size above the largest class was served unpooled (`oversize: 'allocate'`). */
  oversize: 'perf:buffer-pool:oversize',
  /** A foreign or already released buffer was passed to `release()`. */
  invalidRelease: 'perf:buffer-pool:invalid-release',
  /** Debug mode: a leased buffer was garbage-collected without being released. */
  leak: 'perf:buffer-pool:leak',
  /** An `OutputBuffer` reached its `maxBytes` and dropped output. */
  truncate: 'perf:buffer-pool:truncate',
  /** Adaptive tiering added a size class. */
  tier: 'perf:buffer-pool:tier',
} as const;

/** Message of `perf:buffer-pool:miss`. */
export interface MissMessage {
  /** The pool's `name` option. */
  readonly name: string;
  /** The requested length. */
  readonly size: number;
  /** Capacity of the class that allocated. */
  readonly capacity: number;
}

/** Message of `perf:buffer-pool:drop`. */
export interface DropMessage {
  /** The pool's `name` option. */
  readonly name: string;
  /** Capacity of the dropped buffer's class (0 for an unpooled buffer). */
  readonly capacity: number;
  readonly reason: 'class-full' | 'total-full' | 'unpooled';
}

/** Message of `perf:buffer-pool:oversize`. */
export interface OversizeMessage {
  /** The pool's `name` option. */
  readonly name: string;
  /** The requested length, above the largest class. */
  readonly size: number;
}

/** Message of `perf:buffer-pool:invalid-release`. */
export interface InvalidReleaseMessage {
  /** The pool's `name` option. */
  readonly name: string;
  readonly reason: 'foreign' | 'double';
}

/** Message of `perf:buffer-pool:truncate`. */
export interface TruncateMessage {
  /** The pool's `name` option. */
  readonly name: string;
  /** The output's `maxBytes`. */
  readonly maxBytes: number;
}

/** Message of `perf:buffer-pool:tier`. */
export interface TierMessage {
  /** The pool's `name` option. */
  readonly name: string;
  /** Capacity of the class that was added. */
  readonly capacity: number;
}

/** The message type of each channel in `channelNames`. */
export interface BufferPoolChannelMessages {
  miss: MissMessage;
  drop: DropMessage;
  oversize: OversizeMessage;
  invalidRelease: InvalidReleaseMessage;
  /** The `LeakReport` that `onLeak` also gets. */
  leak: LeakReport;
  truncate: TruncateMessage;
  tier: TierMessage;
}

/** A channel whose `publish` accepts only its own message type. */
type TypedChannel<Message> = Omit<Channel, 'publish'> & { publish(message: Message): void };

// One channel per event; publishers check `hasSubscribers` first so an
// uninstrumented pool pays a single boolean check on its slow paths only
// (hits and ordinary releases publish nothing).
export const channels: { readonly [E in keyof BufferPoolChannelMessages]: TypedChannel<BufferPoolChannelMessages[E]> } =
  {
    miss: channel(channelNames.miss),
    drop: channel(channelNames.drop),
    oversize: channel(channelNames.oversize),
    invalidRelease: channel(channelNames.invalidRelease),
    leak: channel(channelNames.leak),
    truncate: channel(channelNames.truncate),
    tier: channel(channelNames.tier),
  };
