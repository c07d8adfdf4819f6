/** Base class of every error this package throws; `code` is stable across versions. */
export abstract class BufferPoolError extends Error {
  abstract readonly code: string;
}

/** An option given to `new BufferPool()` or `pool.output()` is out of range or contradicts another. */
export class InvalidOptionError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_INVALID_OPTION';
  constructor(option: string, value: unknown, expected: string) {
    super(`buffer-pool: option \`${option}\` is ${String(value)}; it must be ${expected}.`);
    this.name = 'InvalidOptionError';
  }
}

/** `acquire()` got 0, a negative, non-integer or non-number size. */
export class InvalidSizeError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_INVALID_SIZE';
  constructor(readonly size: unknown) {
    super(`buffer-pool: cannot acquire ${String(size)} bytes; pass a positive integer byte count.`);
    this.name = 'InvalidSizeError';
  }
}

/** `acquire()` asked for more than the largest class while `oversize` is `'throw'`. */
export class OversizeError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_OVERSIZE';
  constructor(
    readonly size: number,
    readonly maxSize: number,
  ) {
    super(
      `buffer-pool: ${size} bytes is more than the largest class (${maxSize} bytes); ` +
        "raise `maxSize` (or add a tier), or set `oversize: 'allocate'` to get an unpooled buffer.",
    );
    this.name = 'OversizeError';
  }
}

/** Debug mode: `release()` got a buffer this pool never handed out. */
export class ForeignReleaseError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_FOREIGN_RELEASE';
  constructor() {
    super(
      'buffer-pool: release() got a buffer that this pool did not hand out (or a slice of one); ' +
        'release exactly the Buffer that acquire() returned, to the pool that returned it.',
    );
    this.name = 'ForeignReleaseError';
  }
}

/** Debug mode: `release()` got a buffer that was already released. */
export class DoubleReleaseError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_DOUBLE_RELEASE';
  constructor() {
    super(
      'buffer-pool: release() got a buffer that was already released; release each lease exactly once ' +
        'and drop every reference to it afterwards.',
    );
    this.name = 'DoubleReleaseError';
  }
}

/** An `OutputBuffer` was written to or read after `release()`. */
export class OutputReleasedError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_OUTPUT_RELEASED';
  constructor(action: string) {
    super(`buffer-pool: cannot ${action} an OutputBuffer after release(); copy what you need before releasing it.`);
    this.name = 'OutputReleasedError';
  }
}
