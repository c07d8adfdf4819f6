import { InvalidOptionError } from './errors.js';
import type { LeakReport } from './leakTracker.js';
import { powerOfTwoTiers } from './sizeClass.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Options of adaptive tiering: learning the common request sizes and giving them a class of their own. */
export interface AdaptiveOptions {
  /** Acquires per learning window (a count, not a duration); at the end of each window the counts are judged and reset. Default 1024. */
  readonly window?: number;
  /** Share of a window's acquires (0–1] a size bucket needs to earn its own class. Default 0.1. */
  readonly minShare?: number;
  /** Most classes adaptive tiering may add over the pool's life. Default 16. */
  readonly maxAddedTiers?: number;
}

/** Buffers to allocate up front for one size class. */
export interface PrewarmSpec {
  /** A request size; the buffers go to the class that serves it. */
  readonly size: number;
  /** How many buffers to allocate (bounded by `maxPerClass` and `maxRetainedBytes`). */
  readonly count: number;
}

/** Options of `new BufferPool()`. Every field is optional. */
export interface BufferPoolOptions {
  /** Name carried in stats, channel messages and leak reports (useful as a metrics label). Default `'pool'`. */
  readonly name?: string;
  /**
   * Capacities of the size classes in bytes. A request is served by the smallest
   * class that fits it; the largest tier is the largest poolable size.
   * Default: powers of two from `minSize` to `maxSize`. Cannot be combined with
   * `minSize`/`maxSize`.
   */
  readonly tiers?: readonly number[];
  /** Capacity of the smallest default class; smaller requests use it. Default 1 KiB. */
  readonly minSize?: number;
  /** Capacity of the largest default class: the largest poolable request. Default 16 MiB. */
  readonly maxSize?: number;
  /** Most free buffers kept per class; releases beyond it are dropped (left to the GC). Default 16. */
  readonly maxPerClass?: number;
  /** Most bytes kept in free buffers over all classes; releases beyond it are dropped. Default 64 MiB. */
  readonly maxRetainedBytes?: number;
  /**
   * Zero released memory before it is reused, so no byte of a previous lease
   * survives. Turn off only if every caller overwrites all it reads: a lease may
   * then contain a previous lease's bytes. Default `true`.
   */
  readonly zero?: boolean;
  /**
   * What `acquire()` does above the largest class: `'throw'` an `OversizeError`,
   * or `'allocate'` an unpooled Buffer (counted in `stats().unpooled`, never
   * retained). Default `'throw'`.
   */
  readonly oversize?: 'throw' | 'allocate';
  /**
   * Catch misuse at a cost per call: a foreign or double release throws; a
   * released Buffer is detached (length 0, every alias too) so use after
   * release cannot touch the next lease; leases collected without release are
   * reported with the stack of their `acquire()`. Default `false`.
   */
  readonly debug?: boolean;
  /**
   * Debug mode: called for each leaked lease. Default: `process.emitWarning`
   * with code `PERF_BUFFER_POOL_LEAK`.
   */
  readonly onLeak?: (report: LeakReport) => void;
  /** Buffers to allocate at construction. */
  readonly prewarm?: readonly PrewarmSpec[];
  /** Learn common request sizes and add an exact-fit class for each (`true` for the defaults). Default off. */
  readonly adaptive?: boolean | AdaptiveOptions;
}

/** Options of `pool.output()`. */
export interface OutputBufferOptions {
  /** Hard cap on the captured bytes, marker included. Must be ≤ the pool's `maxSize` unless `oversize: 'allocate'`. */
  readonly maxBytes: number;
  /** Appended (within `maxBytes`) when output is cut. Default `'\n[output truncated]\n'`. */
  readonly marker?: string | Uint8Array;
  /**
   * Bytes acquired up front; grows by doubling through the pool's classes.
   * Default: the length the pool's previous output ended with (at least 64 KiB,
   * at most `maxBytes`), so a run of similar outputs is captured without growing.
   */
  readonly initialBytes?: number;
}

/** `BufferPoolOptions` checked, with every default filled in. */
export interface ResolvedOptions {
  readonly name: string;
  readonly tiers: number[];
  readonly maxPerClass: number;
  readonly maxRetainedBytes: number;
  readonly zero: boolean;
  readonly oversize: 'throw' | 'allocate';
  readonly debug: boolean;
  readonly onLeak: (report: LeakReport) => void;
  readonly adaptive: Required<AdaptiveOptions> | undefined;
  readonly prewarm: readonly PrewarmSpec[];
}

/** `OutputBufferOptions` checked, with every default filled in. */
export interface ResolvedOutputOptions {
  readonly maxBytes: number;
  readonly marker: Buffer;
  readonly initialBytes: number;
}

/** What `pool.output()` knows of its pool when it checks an output's options. */
export interface OutputLimits {
  /** The pool's `maxSize`. */
  readonly maxSize: number;
  /** Whether the pool serves sizes above `maxSize` (`oversize: 'allocate'`). */
  readonly allowOversize: boolean;
  /** Final length of the pool's previous output (0 if none): the default start. */
  readonly lastLength: number;
}

const DEFAULT_MARKER = '\n[output truncated]\n';
const MIN_DEFAULT_OUTPUT_BYTES = 64 * KiB;

function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(option, 'a positive integer', value);
  }
  return value;
}

function nonNegativeInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, 'an integer ≥ 0', value);
  }
  return value;
}

function defaultOnLeak(report: LeakReport): void {
  process.emitWarning(
    `@perf/buffer-pool "${report.name}": a ${report.size}-byte lease was garbage-collected without release(); ` +
      `acquired at:\n${report.acquiredAt}`,
    { code: 'PERF_BUFFER_POOL_LEAK' },
  );
}

function resolveTiers(options: BufferPoolOptions): number[] {
  if (options.tiers === undefined) {
    const min = positiveInteger('minSize', options.minSize ?? KiB);
    const max = positiveInteger('maxSize', options.maxSize ?? 16 * MiB);
    if (max < min) throw new InvalidOptionError('maxSize', `≥ minSize (${min})`, max);
    return powerOfTwoTiers(min, max);
  }
  if (options.minSize !== undefined || options.maxSize !== undefined) {
    throw new InvalidOptionError(
      'tiers',
      'given without minSize/maxSize (its largest tier is the largest poolable size)',
      options.tiers,
    );
  }
  if (!Array.isArray(options.tiers) || options.tiers.length === 0) {
    throw new InvalidOptionError('tiers', 'a non-empty array of sizes', options.tiers);
  }
  const tiers = options.tiers.map((t, i) => positiveInteger(`tiers[${i}]`, t));
  tiers.sort((a, b) => a - b);
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i] === tiers[i - 1]) throw new InvalidOptionError('tiers', 'distinct sizes', options.tiers);
  }
  return tiers;
}

function resolveAdaptive(value: BufferPoolOptions['adaptive']): Required<AdaptiveOptions> | undefined {
  if (value === undefined || value === false) return undefined;
  const o: AdaptiveOptions = value === true ? {} : value;
  const minShare = o.minShare ?? 0.1;
  if (typeof minShare !== 'number' || !(minShare > 0 && minShare <= 1)) {
    throw new InvalidOptionError('adaptive.minShare', 'a number in (0, 1]', minShare);
  }
  return {
    window: positiveInteger('adaptive.window', o.window ?? 1024),
    minShare,
    maxAddedTiers: positiveInteger('adaptive.maxAddedTiers', o.maxAddedTiers ?? 16),
  };
}

function resolvePrewarm(value: BufferPoolOptions['prewarm'], maxSize: number): readonly PrewarmSpec[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError('prewarm', 'an array of { size, count }', value);
  return value.map((spec: PrewarmSpec | undefined, i): PrewarmSpec => {
    const size = spec?.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || !(size > 0 && size <= maxSize)) {
      throw new InvalidOptionError(`prewarm[${i}].size`, `an integer in 1..${maxSize} (the largest class)`, size);
    }
    return { size, count: nonNegativeInteger(`prewarm[${i}].count`, spec?.count) };
  });
}

/** Validates every option of `new BufferPool()` (typed error on the first bad one) and fills in the defaults. */
export function resolveOptions(options: BufferPoolOptions): ResolvedOptions {
  const name = options.name ?? 'pool';
  if (typeof name !== 'string') throw new InvalidOptionError('name', 'a string', name);
  const oversize = options.oversize ?? 'throw';
  if (oversize !== 'throw' && oversize !== 'allocate') {
    throw new InvalidOptionError('oversize', "'throw' or 'allocate'", oversize);
  }
  if (options.onLeak !== undefined && typeof options.onLeak !== 'function') {
    throw new InvalidOptionError('onLeak', 'a function', options.onLeak);
  }
  const tiers = resolveTiers(options);
  return {
    name,
    tiers,
    maxPerClass: nonNegativeInteger('maxPerClass', options.maxPerClass ?? 16),
    maxRetainedBytes: nonNegativeInteger('maxRetainedBytes', options.maxRetainedBytes ?? 64 * MiB),
    zero: options.zero ?? true,
    oversize,
    debug: options.debug ?? false,
    onLeak: options.onLeak ?? defaultOnLeak,
    adaptive: resolveAdaptive(options.adaptive),
    prewarm: resolvePrewarm(options.prewarm, tiers[tiers.length - 1]!),
  };
}

/** Validates the options of `pool.output()` against its pool and fills in the defaults. */
export function resolveOutputOptions(options: OutputBufferOptions, limits: OutputLimits): ResolvedOutputOptions {
  const maxBytes = positiveInteger('maxBytes', options?.maxBytes);
  if (maxBytes > limits.maxSize && !limits.allowOversize) {
    throw new InvalidOptionError(
      'maxBytes',
      `≤ the pool's maxSize (${limits.maxSize}) unless the pool's oversize is 'allocate'`,
      maxBytes,
    );
  }
  const markerOption = options.marker ?? DEFAULT_MARKER;
  const marker = typeof markerOption === 'string' ? Buffer.from(markerOption) : Buffer.from(markerOption);
  if (marker.length >= maxBytes) {
    throw new InvalidOptionError('marker', `shorter than maxBytes (${maxBytes} bytes)`, markerOption);
  }
  const initialBytes =
    options.initialBytes ?? Math.min(Math.max(MIN_DEFAULT_OUTPUT_BYTES, limits.lastLength), maxBytes);
  if (!Number.isSafeInteger(initialBytes) || initialBytes <= 0 || initialBytes > maxBytes) {
    throw new InvalidOptionError('initialBytes', `an integer in 1..maxBytes (${maxBytes})`, initialBytes);
  }
  return { maxBytes, marker, initialBytes };
}
