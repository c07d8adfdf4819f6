import { channel } from 'node:diagnostics_channel';

// One channel per event; publishers check `hasSubscribers` first so an
// uninstrumented pool pays a single boolean check on its slow paths only
// (hits and ordinary releases publish nothing).
export const channels = {
  /** A class had no free buffer: a new one was allocated. */
  miss: channel('perf:buffer-pool:miss'),
  /** A released buffer was not retained (class or total cap reached, or unpooled). */
  drop: channel('perf:buffer-pool:drop'),
  /** A size above the largest class was served unpooled (`oversize: 'allocate'`). */
  oversize: channel('perf:buffer-pool:oversize'),
  /** A foreign or already released buffer was passed to `release()`. */
  invalidRelease: channel('perf:buffer-pool:invalid-release'),
  /** Debug mode: a leased buffer was garbage-collected without being released. */
  leak: channel('perf:buffer-pool:leak'),
  /** An `OutputBuffer` reached its `maxBytes` and dropped output. */
  truncate: channel('perf:buffer-pool:truncate'),
  /** Adaptive tiering added a size class. */
  tier: channel('perf:buffer-pool:tier'),
} as const;

/** Message of `perf:buffer-pool:miss`. */
export interface MissEvent {
  readonly pool: string;
  readonly size: number;
  readonly capacity: number;
}

/** Message of `perf:buffer-pool:drop`. */
export interface DropEvent {
  readonly pool: string;
  readonly capacity: number;
  readonly reason: 'class-full' | 'total-full' | 'unpooled';
}

/** Message of `perf:buffer-pool:oversize`. */
export interface OversizeEvent {
  readonly pool: string;
  readonly size: number;
}

/** Message of `perf:buffer-pool:invalid-release`. */
export interface InvalidReleaseEvent {
  readonly pool: string;
  readonly reason: 'foreign' | 'double';
}

/** Message of `perf:buffer-pool:truncate`. */
export interface TruncateEvent {
  readonly pool: string;
  readonly maxBytes: number;
}

/** Message of `perf:buffer-pool:tier`. */
export interface TierEvent {
  readonly pool: string;
  readonly capacity: number;
}
