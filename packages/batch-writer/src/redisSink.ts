// Redis sink: a batch is one pipeline (one round trip). The reply of each
// command says which item failed, so a bad item is dead-lettered alone without
// bisecting the batch.
import { InvalidOptionError } from './errors.js';
import type { FlushFn, FlushResult } from './types.js';

/** The part of an ioredis pipeline the sink uses. */
export interface RedisPipelineLike {
  /** Commands queued so far. */
  readonly length: number;
  exec(): Promise<Array<[error: Error | null, result: unknown]> | null>;
}

/** Options of `redisSink`. */
export interface RedisSinkOptions<T, P extends RedisPipelineLike> {
  /** An ioredis `Redis` (or `Cluster`) client. */
  readonly redis: { pipeline(): P };
  /**
   * Queues the command(s) of one item on the pipeline, e.g. `(p, e) => p.hset(`user:${e.id}`, e.fields)`.
   * Prefer idempotent commands (SET, HSET, SADD, ZADD…): a retried batch runs them again.
   */
  readonly command: (pipeline: P, item: T) => void;
}

/** Raised when Redis discarded the whole pipeline (exec returned null); retried. */
class PipelineDiscardedError extends Error {
  readonly retryable = true;
}

/** A `flush` for `createBatchWriter` that sends each batch as one Redis pipeline. */
export function redisSink<T, P extends RedisPipelineLike>(options: RedisSinkOptions<T, P>): FlushFn<T> {
  if (typeof options.redis?.pipeline !== 'function')
    throw new InvalidOptionError('redis', 'expected an ioredis client');
  if (typeof options.command !== 'function')
    throw new InvalidOptionError('command', 'expected (pipeline, item) => void');
  const { redis, command } = options;

  return async (items): Promise<FlushResult> => {
    const pipeline = redis.pipeline();
    const ends: number[] = [];
    for (const item of items) {
      command(pipeline, item);
      ends.push(pipeline.length);
    }
    const replies = await pipeline.exec();
    if (replies === null) throw new PipelineDiscardedError('Redis discarded the pipeline');
    const failed: Array<{ index: number; error: unknown }> = [];
    let start = 0;
    ends.forEach((end, index) => {
      for (let c = start; c < end; c++) {
        const error = replies[c]?.[0];
        if (error) {
          failed.push({ index, error });
          break;
        }
      }
      start = end;
    });
    return { failed };
  };
}
