export type { AdaptiveOptions } from './adaptiveTiers.js';
export { BufferLease } from './bufferLease.js';
export { BufferPool } from './bufferPool.js';
export type {
  DropEvent,
  InvalidReleaseEvent,
  MissEvent,
  OversizeEvent,
  TierEvent,
  TruncateEvent,
} from './channels.js';
export {
  BufferPoolError,
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
  InvalidSizeError,
  OutputReleasedError,
  OversizeError,
} from './errors.js';
export type { LeakReport } from './leakTracker.js';
export { OutputBuffer, type OutputBufferOptions, type OutputContext } from './outputBuffer.js';
export type { BufferPoolOptions, PrewarmSpec } from './options.js';
export type { BufferPoolStats, SizeClassStats } from './stats.js';
