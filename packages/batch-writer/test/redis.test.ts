import { redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, type DeadLetter, defaultClassify, PipelineDiscardedError } from '../src/index.js';
import { redisSink } from '../src/redis.js';
import { uniqueName } from './pg.js';

const service = await redis();

describe.skipIf(service.skip)('redisSink on a real Redis', () => {
  let client: Redis;
  const prefix = `${uniqueName('bw_redis')}:`;

  beforeAll(() => {
    client = new Redis(service.url, { lazyConnect: false });
  });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  interface User {
    readonly id: number;
    readonly name: string;
  }

  it('writes each batch as one pipeline', async () => {
    let pipelines = 0;
    const writer = new BatchWriter<User>({
      flush: redisSink({
        redis: {
          pipeline: () => {
            pipelines++;
            return client.pipeline();
          },
        },
        command: (p, user) => p.hset(`${prefix}user:${user.id}`, 'name', user.name),
      }),
      maxBatchSize: 500,
    });
    for (let id = 0; id < 2000; id++) writer.add({ id, name: `u${id}` });
    await writer.close();
    expect(pipelines).toBe(4);
    expect(await client.hget(`${prefix}user:1234`, 'name')).toBe('u1234');
    expect((await client.keys(`${prefix}user:*`)).length).toBe(2000);
  });

  it('dead-letters only the item whose command failed (WRONGTYPE), from the pipeline replies', async () => {
    await client.set(`${prefix}list:3`, 'a string, not a list');
    const dead: DeadLetter<number>[] = [];
    const writer = new BatchWriter<number>({
      flush: redisSink({
        redis: client,
        // Two commands per item: the failure of either marks that item.
        command: (p, n) => p.rpush(`${prefix}list:${n}`, 'x').expire(`${prefix}list:${n}`, 60),
      }),
      deadLetter: (f) => void dead.push(...f),
    });
    for (let n = 0; n < 6; n++) writer.add(n);
    await writer.close();
    expect(dead.map((d) => d.item)).toEqual([3]);
    expect(String(dead[0]!.error)).toMatch(/WRONGTYPE/);
    expect(writer.stats()).toMatchObject({ flushed: 5, splits: 0, batches: 1 });
    expect(await client.lrange(`${prefix}list:5`, 0, -1)).toEqual(['x']);
  });

  it('retries a batch whose pipeline Redis discarded (a watched key changed), with PipelineDiscardedError', async () => {
    // A transaction on a connection that WATCHes a key another connection then changes: EXEC returns null.
    const watcher = new Redis(service.url);
    try {
      const watched = `${prefix}watched`;
      await watcher.watch(watched);
      await client.set(watched, 'changed by another client');
      const errors: unknown[] = [];
      const writer = new BatchWriter<number>({
        flush: redisSink({
          redis: { pipeline: () => watcher.multi() },
          command: (p, n) => p.set(`${prefix}tx:${n}`, String(n)),
        }),
        classify: (error) => {
          errors.push(error);
          return defaultClassify(error);
        },
        retry: { baseDelayMs: 1, maxDelayMs: 1 },
      });
      await Promise.all([1, 2, 3].map((n) => writer.write(n)));
      await writer.close();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(PipelineDiscardedError);
      expect(errors[0]).toMatchObject({ code: 'PERF_BATCH_WRITER_PIPELINE_DISCARDED', retryable: true });
      expect(writer.stats()).toMatchObject({ retries: 1, flushed: 3, deadLettered: 0 });
      expect(await client.mget(`${prefix}tx:1`, `${prefix}tx:2`, `${prefix}tx:3`)).toEqual(['1', '2', '3']);
    } finally {
      watcher.disconnect();
    }
  });
});

describe('redisSink options', () => {
  it('rejects a missing client or command with InvalidOptionError(option, expected, received)', () => {
    expect(() => redisSink({ redis: {} as never, command: () => {} })).toThrow(
      expect.objectContaining({ code: 'PERF_BATCH_WRITER_INVALID_OPTION', option: 'redis' }),
    );
    expect(() => redisSink({ redis: { pipeline: () => ({}) as never }, command: 'set' as never })).toThrow(
      '@perf/batch-writer: option command must be a function (pipeline, item) => void, received "set"',
    );
  });
});
