export { BufferLease } from './bufferLease.js';
export { BufferPool } from './bufferPool.js';
export type {
  BufferPoolChannelMessages,
  DropMessage,
  InvalidReleaseMessage,
  MissMessage,
  OversizeMessage,
  TierMessage,
  TruncateMessage,
} from './channels.js';
export { channelNames } from './channels.js';
export type { BufferPoolErrorCode } from './errors.js';
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
export type { AdaptiveOptions, BufferPoolOptions, OutputBufferOptions, PrewarmSpec } from './options.js';
export { OutputBuffer } from './outputBuffer.js';
export type { BufferPoolStats, SizeClassStats } from './stats.js';
