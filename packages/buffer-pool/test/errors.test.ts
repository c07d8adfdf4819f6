import { describe, expect, test } from 'vitest';
import {
  BufferPool,
  BufferPoolError,
  type BufferPoolErrorCode,
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
  InvalidSizeError,
  OutputReleasedError,
  OversizeError,
} from '../src/index.js';

function circular(): object {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
}

describe('errors', () => {
  test('every error is a BufferPoolError named after its class, with its own code', () => {
    const errors: Array<[BufferPoolError, string, BufferPoolErrorCode]> = [
      [
        new InvalidOptionError('maxSize', 'a positive integer', 0),
        'InvalidOptionError',
        'PERF_BUFFER_POOL_INVALID_OPTION',
      ],
      [new InvalidSizeError(0), 'InvalidSizeError', 'PERF_BUFFER_POOL_INVALID_SIZE'],
      [new OversizeError(2048, 1024), 'OversizeError', 'PERF_BUFFER_POOL_OVERSIZE'],
      [new ForeignReleaseError(), 'ForeignReleaseError', 'PERF_BUFFER_POOL_FOREIGN_RELEASE'],
      [new DoubleReleaseError(), 'DoubleReleaseError', 'PERF_BUFFER_POOL_DOUBLE_RELEASE'],
      [new OutputReleasedError('read'), 'OutputReleasedError', 'PERF_BUFFER_POOL_OUTPUT_RELEASED'],
    ];
    for (const [error, name, code] of errors) {
      expect(error).toBeInstanceOf(BufferPoolError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^@perf\/buffer-pool: /);
    }
    expect(new Set(errors.map(([, , code]) => code)).size).toBe(errors.length);
  });

  test('InvalidOptionError(option, expected, received) keeps all three and says them in one line', () => {
    const error = new InvalidOptionError('adaptive.window', 'a positive integer', 0);
    expect(error).toMatchObject({ option: 'adaptive.window', expected: 'a positive integer', received: 0 });
    expect(error.message).toBe('@perf/buffer-pool: option adaptive.window must be a positive integer, received 0');
  });

  test.each<[string, unknown, string]>([
    ['a string, quoted', 'grow', '"grow"'],
    ['a long string, cut', 'x'.repeat(100), `"${'x'.repeat(60)}…"`],
    ['a function', () => {}, 'a function'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['NaN', Number.NaN, 'NaN'],
    ['a bigint', 10n, '10n'],
    ['an array', [1024, 1024], '[1024,1024]'],
    ['an object', { minShare: 0 }, '{"minShare":0}'],
    ['bytes', new Uint8Array(5), 'a Uint8Array of 5 bytes'],
    ['a class instance', new Map([[1, 2]]), 'a Map'],
    ['a circular object', circular(), 'an object'],
  ])('received %s reads as %s', (_, received, shown) => {
    expect(new InvalidOptionError('o', 'x', received).message).toBe(
      `@perf/buffer-pool: option o must be x, received ${shown}`,
    );
  });

  test('a thrown error narrows by code', () => {
    const pool = new BufferPool({ maxSize: 1024 });
    let caught: unknown;
    try {
      pool.acquire(2048);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BufferPoolError);
    const error = caught as BufferPoolError;
    switch (error.code) {
      case 'PERF_BUFFER_POOL_OVERSIZE':
        expect(error).toBeInstanceOf(OversizeError);
        expect(error).toMatchObject({ size: 2048, maxSize: 1024 });
        break;
      default:
        expect.unreachable(`unexpected ${error.code}`);
    }
  });
});
