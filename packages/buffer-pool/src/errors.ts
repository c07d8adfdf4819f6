/** Every `code` an error of this package can have: `switch (error.code)` is checked against it. */
export type BufferPoolErrorCode =
  | 'PERF_BUFFER_POOL_INVALID_OPTION'
  | 'PERF_BUFFER_POOL_INVALID_SIZE'
  | 'PERF_BUFFER_POOL_OVERSIZE'
  | 'PERF_BUFFER_POOL_FOREIGN_RELEASE'
  | 'PERF_BUFFER_POOL_DOUBLE_RELEASE'
  | 'PERF_BUFFER_POOL_OUTPUT_RELEASED';

/** Base class of every error this package throws; `code` is stable across versions. */
export abstract class BufferPoolError extends Error {
  abstract readonly code: BufferPoolErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An option of `new BufferPool()`, `pool.output()` or `pool.prewarm()` is out of
 * range or contradicts another.
 */
export class InvalidOptionError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_INVALID_OPTION';

  constructor(
    /** The option's path, e.g. `adaptive.window` or `prewarm[0].size`. */
    readonly option: string,
    /** What the option must be. */
    readonly expected: string,
    /** The value that was given. */
    readonly received: unknown,
  ) {
    super(`@perf/buffer-pool: option ${option} must be ${expected}, received ${describe(received)}`);
  }
}

/** `acquire()` got 0, a negative, non-integer or non-number size. */
export class InvalidSizeError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_INVALID_SIZE';

  constructor(readonly size: unknown) {
    super(`@perf/buffer-pool: cannot acquire ${describe(size)} bytes; pass a positive integer byte count.`);
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
      `@perf/buffer-pool: ${size} bytes is more than the largest class (${maxSize} bytes); ` +
        "raise `maxSize` (or add a tier), or set `oversize: 'allocate'` to get an unpooled buffer.",
    );
  }
}

/** Debug mode: `release()` got a buffer this pool never handed out. */
export class ForeignReleaseError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_FOREIGN_RELEASE';

  constructor() {
    super(
      '@perf/buffer-pool: release() got a buffer that this pool did not hand out (or a slice of one); ' +
        'release exactly the Buffer that acquire() returned, to the pool that returned it.',
    );
  }
}

/** Debug mode: `release()` got a buffer that was already released. */
export class DoubleReleaseError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_DOUBLE_RELEASE';

  constructor() {
    super(
      '@perf/buffer-pool: release() got a buffer that was already released; release each lease exactly once ' +
        'and drop every reference to it afterwards.',
    );
  }
}

/** An `OutputBuffer` was written to or read after `release()`. */
export class OutputReleasedError extends BufferPoolError {
  readonly code = 'PERF_BUFFER_POOL_OUTPUT_RELEASED';

  constructor(action: string) {
    super(
      `@perf/buffer-pool: cannot ${action} an OutputBuffer after release(); copy what you need before releasing it.`,
    );
  }
}

const MAX_SHOWN = 60;

/** A value as an error message shows it: strings quoted, functions and large or binary values briefly. */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value);
    case 'function':
      return 'a function';
    case 'bigint':
      return `${value}n`;
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      return String(value);
  }
}

function describeObject(value: object): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  const kind = Array.isArray(value) ? 'an array' : 'an object';
  const proto: unknown = Object.getPrototypeOf(value);
  // Class instances (Map, Date, ...) say what they are; JSON would misrepresent them.
  if (kind === 'an object' && proto !== Object.prototype && proto !== null) {
    return `a ${value.constructor?.name || 'object'}`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return kind; // circular: its kind is all we can say
  }
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}…` : json;
}
