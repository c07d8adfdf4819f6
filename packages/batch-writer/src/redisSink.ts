// Redis sink: a batch is one pipeline (one round trip). The reply of each
// command says which item failed, so a bad item is dead-lettered alone without
// bisecting the batch.
import { PipelineDiscardedError } from './errors.js';
import { type RedisPipelineLike, type RedisSinkOptions, resolveRedisSinkOptions } from './sinkOptions.js';
import type { FlushFn, FlushResult } from './types.js';

/** A `flush` for `new BatchWriter()` that sends each batch as one Redis pipeline. Throws `InvalidOptionError`. */
export function redisSink<T, P extends RedisPipelineLike>(options: RedisSinkOptions<T, P>): FlushFn<T> {
  const { redis, command } = resolveRedisSinkOptions(options);

  return async (items): Promise<FlushResult> => {
    const pipeline = redis.pipeline();
    const ends: number[] = [];
    for (const item of items) {
      command(pipeline, item);
      ends.push(pipeline.length);
    }
    const replies = await pipeline.exec();
    if (replies === null) throw new PipelineDiscardedError();
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
