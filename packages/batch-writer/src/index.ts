export type { BatchWriter } from './batchWriter.js';
export { createBatchWriter } from './batchWriter.js';
export type { DeadLetterEvent, FlushEvent, RejectEvent, RetryEvent, SplitEvent } from './channels.js';
export { defaultClassify } from './classify.js';
export type { Closable, CloseOnSignalsOptions } from './closeOnSignals.js';
export { closeOnSignals } from './closeOnSignals.js';
export {
  BatchWriterError,
  InvalidOptionError,
  ItemFailedError,
  ItemUnsentError,
  QueueFullError,
  RetriesExhaustedError,
  SpoolError,
  WaitQueueFullError,
  WriterClosedError,
} from './errors.js';
export type {
  BatchWriterOptions,
  BatchWriterStats,
  CloseOptions,
  CloseResult,
  DeadLetter,
  ErrorVerdict,
  FlushContext,
  FlushFn,
  FlushResult,
  RetryOptions,
  SpoolOptions,
} from './types.js';
