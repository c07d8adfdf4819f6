export { Cache } from './cache.js';
export {
  evictChannel,
  hitChannel,
  invalidateChannel,
  l2ErrorChannel,
  loadChannel,
  missChannel,
  staleChannel,
} from './channels.js';
export {
  CacheClosedError,
  CacheError,
  InvalidationsUndeliveredError,
  InvalidOptionError,
  InvalidSizeError,
  LoadAbortedError,
  LoadTimeoutError,
  UndefinedValueError,
} from './errors.js';
export type { LoadContext, Loader, LoadOptions } from './loader.js';
export type { Memo, MemoOptions } from './memo.js';
export type { CacheOptions, WriteOptions } from './options.js';
export { MAX_NEGATIVE_TTL } from './options.js';
export type { InvalidationMessage, SecondLevel, SecondLevelEvents, StoredValue } from './secondLevel.js';
export type { CacheStats } from './stats.js';
export type { WarmOptions, WarmReport, WarmSource } from './warm.js';
