import type { AdaptiveOptions } from './adaptiveTiers.js';
import { InvalidOptionError } from './errors.js';
import type { LeakReport } from './leakTracker.js';
import { powerOfTwoTiers } from './sizeClass.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Buffers to allocate up front for one size class. */
export interface PrewarmSpec {
  /** A request size; the buffers go to the class that serves it. */
  readonly size: number;
  /** How many buffers to allocate (bounded by `maxPerClass` and `maxRetainedBytes`). */
  readonly count: number;
}

/** Options of `new BufferPool()`. Every field is optional. */
export interface BufferPoolOptions {
  /** Name carried in stats, events and leak reports (useful as a metrics label). Default `'default'`. */
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
}

function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidOptionError(option, value, 'a positive integer');
  }
  return value;
}

function nonNegativeInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, value, 'an integer ≥ 0');
  }
  return value;
}

function defaultOnLeak(report: LeakReport): void {
  process.emitWarning(
    `buffer-pool "${report.pool}": a ${report.size}-byte lease was garbage-collected without release(); ` +
      `acquired at:\n${report.acquiredAt}`,
    { code: 'PERF_BUFFER_POOL_LEAK' },
  );
}

function resolveTiers(options: BufferPoolOptions): number[] {
  if (options.tiers === undefined) {
    const min = positiveInteger('minSize', options.minSize ?? KiB);
    const max = positiveInteger('maxSize', options.maxSize ?? 16 * MiB);
    if (max < min) throw new InvalidOptionError('maxSize', max, `≥ minSize (${min})`);
    return powerOfTwoTiers(min, max);
  }
  if (options.minSize !== undefined || options.maxSize !== undefined) {
    throw new InvalidOptionError(
      'tiers',
      'given with minSize/maxSize',
      'given alone (its largest tier is the max size)',
    );
  }
  if (!Array.isArray(options.tiers) || options.tiers.length === 0) {
    throw new InvalidOptionError('tiers', options.tiers, 'a non-empty array of sizes');
  }
  const tiers = options.tiers.map((t, i) => positiveInteger(`tiers[${i}]`, t));
  tiers.sort((a, b) => a - b);
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i] === tiers[i - 1]) throw new InvalidOptionError('tiers', tiers[i], 'distinct sizes');
  }
  return tiers;
}

function resolveAdaptive(value: BufferPoolOptions['adaptive']): Required<AdaptiveOptions> | undefined {
  if (value === undefined || value === false) return undefined;
  const o: AdaptiveOptions = value === true ? {} : value;
  const minShare = o.minShare ?? 0.1;
  if (typeof minShare !== 'number' || !(minShare > 0 && minShare <= 1)) {
    throw new InvalidOptionError('adaptive.minShare', minShare, 'a number in (0, 1]');
  }
  return {
    window: positiveInteger('adaptive.window', o.window ?? 1024),
    minShare,
    maxAddedTiers: positiveInteger('adaptive.maxAddedTiers', o.maxAddedTiers ?? 16),
  };
}

/** Validates every option (typed error on the first bad one) and fills in the defaults. */
export function resolveOptions(options: BufferPoolOptions): ResolvedOptions {
  const oversize = options.oversize ?? 'throw';
  if (oversize !== 'throw' && oversize !== 'allocate') {
    throw new InvalidOptionError('oversize', oversize, "'throw' or 'allocate'");
  }
  if (options.onLeak !== undefined && typeof options.onLeak !== 'function') {
    throw new InvalidOptionError('onLeak', options.onLeak, 'a function');
  }
  return {
    name: options.name ?? 'default',
    tiers: resolveTiers(options),
    maxPerClass: nonNegativeInteger('maxPerClass', options.maxPerClass ?? 16),
    maxRetainedBytes: nonNegativeInteger('maxRetainedBytes', options.maxRetainedBytes ?? 64 * MiB),
    zero: options.zero ?? true,
    oversize,
    debug: options.debug ?? false,
    onLeak: options.onLeak ?? defaultOnLeak,
    adaptive: resolveAdaptive(options.adaptive),
  };
}
