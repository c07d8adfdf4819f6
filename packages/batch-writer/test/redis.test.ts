import { redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchWriter, type DeadLetter } from '../src/index.js';
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
    const writer = createBatchWriter<User>({
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
    const writer = createBatchWriter<number>({
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
});
