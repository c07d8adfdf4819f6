import { describe, expect, test } from 'vitest';
import { BufferPool, type BufferPoolOptions, InvalidOptionError } from '../src/index.js';

describe('options', () => {
  test.each<[string, BufferPoolOptions]>([
    ['minSize 0', { minSize: 0 }],
    ['maxSize not an integer', { maxSize: 10.5 }],
    ['maxSize below minSize', { minSize: 4096, maxSize: 1024 }],
    ['empty tiers', { tiers: [] }],
    ['duplicate tiers', { tiers: [1024, 1024] }],
    ['negative tier', { tiers: [-1] }],
    ['tiers with maxSize', { tiers: [1024], maxSize: 2048 }],
    ['negative maxPerClass', { maxPerClass: -1 }],
    ['maxRetainedBytes NaN', { maxRetainedBytes: Number.NaN }],
    ['unknown oversize', { oversize: 'grow' as 'throw' }],
    ['onLeak not a function', { onLeak: 'log' as unknown as () => void }],
    ['adaptive.minShare 0', { adaptive: { minShare: 0 } }],
    ['adaptive.window 0', { adaptive: { window: 0 } }],
    ['prewarm over max', { maxSize: 1024, prewarm: [{ size: 4096, count: 1 }] }],
    ['prewarm count negative', { prewarm: [{ size: 1024, count: -1 }] }],
    ['prewarm size not an integer', { prewarm: [{ size: 1.5, count: 1 }] }],
    ['name not a string', { name: 7 as unknown as string }],
  ])('%s is an InvalidOptionError at construction', (_, options) => {
    expect(() => new BufferPool(options)).toThrow(InvalidOptionError);
    expect(() => new BufferPool(options)).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_INVALID_OPTION' }));
  });

  test.each<[string, BufferPoolOptions, { option: string; expected: string; received: unknown }]>([
    [
      'maxSize below minSize',
      { minSize: 4096, maxSize: 1024 },
      { option: 'maxSize', expected: '≥ minSize (4096)', received: 1024 },
    ],
    ['a bad tier', { tiers: [1024, 0] }, { option: 'tiers[1]', expected: 'a positive integer', received: 0 }],
    [
      'adaptive.minShare',
      { adaptive: { minShare: 2 } },
      { option: 'adaptive.minShare', expected: 'a number in (0, 1]', received: 2 },
    ],
    [
      'prewarm size',
      { maxSize: 1024, prewarm: [{ size: 4096, count: 1 }] },
      { option: 'prewarm[0].size', expected: 'an integer in 1..1024 (the largest class)', received: 4096 },
    ],
    [
      'prewarm count',
      {
        prewarm: [
          { size: 1024, count: 1 },
          { size: 1024, count: -1 },
        ],
      },
      { option: 'prewarm[1].count', expected: 'an integer ≥ 0', received: -1 },
    ],
    ['name', { name: 7 as unknown as string }, { option: 'name', expected: 'a string', received: 7 }],
  ])('the error for %s names the option, what it must be and what it got', (_, options, fields) => {
    expect(() => new BufferPool(options)).toThrow(expect.objectContaining(fields));
  });

  test("name defaults to 'pool' and is carried in stats()", () => {
    expect(new BufferPool().name).toBe('pool');
    expect(new BufferPool().stats().name).toBe('pool');
    expect(new BufferPool({ name: 'jobs' }).stats().name).toBe('jobs');
  });

  test('defaults: powers of two from 1 KiB to 16 MiB', () => {
    const tiers = new BufferPool().tiers;
    expect(tiers[0]).toBe(1024);
    expect(tiers.at(-1)).toBe(16 * 1024 * 1024);
    expect(tiers).toHaveLength(15);
  });

  test('a maxSize that is not a power of two is the last tier', () => {
    expect(new BufferPool({ minSize: 1000, maxSize: 5000 }).tiers).toEqual([1024, 2048, 4096, 5000]);
  });
});
