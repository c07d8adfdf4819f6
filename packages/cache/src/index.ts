export { Cache } from './cache.js';
export type {
  CacheChannelMessages,
  EvictMessage,
  HitMessage,
  InvalidateMessage,
  L2ErrorMessage,
  LoadMessage,
  MissMessage,
  StaleMessage,
} from './channels.js';
export { channelNames } from './channels.js';
export type { CacheErrorCode } from './errors.js';
export {
  CacheClosedError,
  CacheError,
  InvalidationsUndeliveredError,
  InvalidOptionError,
  InvalidSizeError,
  LoadAbortedError,
  LoadTimeoutError,
  SecondLevelTimeoutError,
  UndefinedValueError,
} from './errors.js';
export type { LoadContext, Loader, LoadOptions } from './loader.js';
export type { Memo } from './memo.js';
export type { CacheOptions, LockOptions, MemoOptions, WarmOptions, WriteOptions } from './options.js';
export { MAX_NEGATIVE_TTL_MS } from './options.js';
export type {
  InvalidationMessage,
  InvalidationTarget,
  SecondLevel,
  SecondLevelEvents,
  SecondLevelOp,
  StoredValue,
} from './secondLevel.js';
export type { CacheStats } from './stats.js';
export type { RemovalReason } from './store.js';
export type { WarmReport, WarmSource } from './warm.js';
