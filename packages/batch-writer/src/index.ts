export { BatchWriter } from './batchWriter.js';
export type {
  BatchWriterChannelMessages,
  DeadLetterMessage,
  FlushMessage,
  RejectMessage,
  RetryMessage,
  SplitMessage,
} from './channels.js';
export { channelNames } from './channels.js';
export { defaultClassify } from './classify.js';
export type { Closable, CloseOnSignalsOptions } from './closeOnSignals.js';
export { closeOnSignals } from './closeOnSignals.js';
export type { BatchWriterErrorCode } from './errors.js';
export {
  BatchWriterError,
  InvalidOptionError,
  ItemFailedError,
  ItemUnsentError,
  PipelineDiscardedError,
  QueueFullError,
  RetriesExhaustedError,
  SpoolError,
  WaitQueueFullError,
  WriterClosedError,
} from './errors.js';
export type { BatchWriterOptions, CloseOptions, RetryOptions, SpoolOptions } from './options.js';
export type {
  BatchWriterStats,
  CloseResult,
  DeadLetter,
  ErrorVerdict,
  FlushContext,
  FlushFn,
  FlushResult,
} from './types.js';
