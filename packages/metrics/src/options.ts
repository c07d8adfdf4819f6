// The options of everything this package constructs, and their resolvers: each
// checks its options once, at construction, and throws InvalidOptionError
// naming the option by its path (`<metric name>.<option>` for a metric's own
// options), so nothing is re-validated on the hot path or at scrape time.
import type { Counter } from './counter.js';
import { InvalidOptionError } from './errors.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
import { validateLabelName, validateMetricName } from './names.js';
import type { ExpositionFormat, Registry } from './registry.js';
import type { GaugeAggregation } from './snapshot.js';
import type { Summary } from './summary.js';

/** Options every metric takes; `M` is the metric's own type, given to `collect`. */
export interface MetricOptions<L extends string, M = unknown> {
  /** Metric name: letters, digits, `_` and `:`, not starting with a digit. Counters conventionally end in `_total`. */
  readonly name: string;
  /** One line saying what the metric measures (the `# HELP` line). */
  readonly help: string;
  /** Label names, declared once; every update passes exactly these. Default: none. */
  readonly labelNames?: readonly L[];
  /** Registry to register in; `null` for none. Default: `defaultRegistry`. */
  readonly registry?: Registry | null;
  /**
   * Cardinality cap: at most this many label sets. Past it, new label sets are
   * folded into one series whose every label is `__overflow__`; the first time,
   * a warning (code `PERF_METRICS_CARDINALITY`) is emitted and the
   * `perf:metrics:overflow` channel is published. Default: 10,000.
   */
  readonly maxSeries?: number;
  /** Remove a series not updated for this many milliseconds (checked at scrape time). Default: never. */
  readonly seriesTtlMs?: number;
  /** Called at every scrape before the values are read, e.g. to set a gauge from another object's `stats()`. */
  readonly collect?: (this: M, metric: M) => void | Promise<void>;
  /** Wall clock in ms since the epoch, for `_created`, `seriesTtlMs` and the summary window. Default: `Date.now`. */
  readonly now?: () => number;
}

/** Options of a counter: the shared ones. */
export type CounterOptions<L extends string> = MetricOptions<L, Counter<L>>;

/** Options of a gauge. */
export interface GaugeOptions<L extends string> extends MetricOptions<L, Gauge<L>> {
  /** How the gauges of several processes combine when aggregated (cluster, worker threads). Default `sum`. */
  readonly aggregate?: GaugeAggregation;
}

/** Options of a histogram. */
export interface HistogramOptions<L extends string> extends MetricOptions<L, Histogram<L>> {
  /** Upper bounds, strictly increasing; `+Inf` is implied. Default: prom-client's defaults (5 ms to 10 s). */
  readonly buckets?: readonly number[];
}

/** Options of a summary. `percentiles`, `maxAgeSeconds` and `ageBuckets` are prom-client's names. */
export interface SummaryOptions<L extends string> extends MetricOptions<L, Summary<L>> {
  /** Quantiles to expose, each in [0, 1]. Default [0.5, 0.9, 0.95, 0.99]. */
  readonly percentiles?: readonly number[];
  /** Observations older than this many seconds leave the quantiles (not `_sum`/`_count`). Default 600. */
  readonly maxAgeSeconds?: number;
  /** Number of buckets the window slides by. Default 5. */
  readonly ageBuckets?: number;
  /** Relative accuracy of every quantile, in (0, 1). Default 0.01 (1%). */
  readonly accuracy?: number;
}

/** Options of a {@link Registry}. */
export interface RegistryOptions {
  /** Names the registry in its `stats()`, its diagnostics messages and its errors. Default `registry`. */
  readonly name?: string;
  /** Clock for scrape durations, in ms. Default `performance.now` (monotonic). */
  readonly now?: () => number;
}

/** Options of `collectDefaultMetrics`; the names are prom-client's. */
export interface DefaultMetricsOptions {
  /** Default `defaultRegistry`. */
  readonly registry?: Registry;
  /** Prepended to every name, e.g. `myapp_`. Default none. */
  readonly prefix?: string;
  /** Buckets of `nodejs_gc_duration_seconds`. Default prom-client's [0.001, 0.01, 0.1, 1, 2, 5]. */
  readonly gcDurationBuckets?: readonly number[];
  /**
   * Sampling resolution of the event-loop delay monitor, in milliseconds (prom-client's name, hence no
   * unit in it). Default 10.
   */
  readonly eventLoopMonitoringPrecision?: number;
}

/** Options of `aggregateMetrics` and `clusterMetrics`. */
export interface AggregateOptions {
  /** Exposition format. Default `prometheus` (text 0.0.4). */
  readonly format?: ExpositionFormat;
  /** How long to wait for each peer, in ms. Default 5,000. */
  readonly timeoutMs?: number;
  /** This process's own registry, merged with the peers' (e.g. the primary's own metrics). */
  readonly local?: Registry;
}

/** Options of the `fastifyMetrics` plugin. */
export interface FastifyMetricsOptions {
  /** Default `defaultRegistry`. */
  readonly registry?: Registry;
  /** Route path. Default `/metrics`. */
  readonly path?: string;
}

export const DEFAULT_MAX_SERIES = 10_000;

/** prom-client's default buckets (seconds), so existing dashboards keep working. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The shared options of a metric, checked and with their defaults. */
export interface ResolvedMetricOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly registry: Registry | null;
  readonly maxSeries: number;
  readonly seriesTtlMs: number | undefined;
  readonly collect: ((this: unknown, metric: unknown) => void | Promise<void>) | undefined;
  readonly now: () => number;
}

/**
 * Checks that a metric's options are an object with a valid `name`, and returns the name: the metric
 * types call it before resolving their own options, whose paths start with it.
 */
export function resolveMetricName(options: { readonly name: string }): string {
  // Typed as an object, but JavaScript callers may pass anything.
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'an object with at least name and help', options);
  }
  validateMetricName(options.name);
  return options.name;
}

/** Checks the options every metric takes; `fallbackRegistry` is where it registers when given no `registry`. */
export function resolveMetricOptions(
  options: MetricOptions<string, never>,
  fallbackRegistry: Registry,
): ResolvedMetricOptions {
  const name = resolveMetricName(options);
  const at = (option: string) => `${name}.${option}`;
  if (typeof options.help !== 'string' || options.help === '') {
    throw new InvalidOptionError(at('help'), 'a non-empty string saying what is measured', options.help);
  }
  const labelNames = options.labelNames ?? [];
  if (!Array.isArray(labelNames)) throw new InvalidOptionError(at('labelNames'), 'an array of label names', labelNames);
  for (const label of labelNames) validateLabelName(label);
  if (new Set(labelNames).size !== labelNames.length) {
    throw new InvalidOptionError(at('labelNames'), 'distinct label names', labelNames);
  }
  const registry = options.registry === undefined ? fallbackRegistry : options.registry;
  if (registry !== null && typeof registry?.register !== 'function') {
    throw new InvalidOptionError(at('registry'), 'a Registry, or null for none', registry);
  }
  const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new InvalidOptionError(at('maxSeries'), 'an integer ≥ 1', maxSeries);
  }
  const { seriesTtlMs } = options;
  if (seriesTtlMs !== undefined && !(typeof seriesTtlMs === 'number' && seriesTtlMs > 0)) {
    throw new InvalidOptionError(at('seriesTtlMs'), 'a number of milliseconds > 0', seriesTtlMs);
  }
  // The callback is typed for the concrete metric class; the metric calls it with that very instance.
  const collect = options.collect as ResolvedMetricOptions['collect'];
  if (collect !== undefined && typeof collect !== 'function') {
    throw new InvalidOptionError(at('collect'), 'a function', collect);
  }
  return {
    name,
    help: options.help,
    // A copy, so a later change to the caller's array cannot reach the metric; not frozen: the hot path
    // reads it per labelled update, and a frozen array measured ~10 ns slower there (bench, counter inc(labels)).
    labelNames: [...labelNames],
    registry,
    maxSeries,
    seriesTtlMs,
    collect,
    now: resolveClock(at('now'), options.now, Date.now),
  };
}

const AGGREGATIONS: readonly GaugeAggregation[] = ['sum', 'min', 'max', 'average', 'first', 'omit'];

/** A gauge's `aggregate` option. */
export function resolveGaugeAggregate(metric: string, aggregate: GaugeAggregation | undefined): GaugeAggregation {
  const rule = aggregate ?? 'sum';
  if (!AGGREGATIONS.includes(rule)) {
    throw new InvalidOptionError(`${metric}.aggregate`, `one of ${AGGREGATIONS.join(', ')}`, rule);
  }
  return rule;
}

/** Histogram bounds: finite, strictly increasing, at least one. +Inf is implied and dropped if given. */
export function resolveBuckets(option: string, buckets: readonly number[] | undefined): number[] {
  const given = buckets ?? DEFAULT_BUCKETS;
  if (!Array.isArray(given)) throw new InvalidOptionError(option, 'an array of bucket bounds', given);
  const bounds = given.filter((b) => b !== Number.POSITIVE_INFINITY);
  if (bounds.length === 0) throw new InvalidOptionError(option, 'at least one finite bound', given);
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i]!;
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new InvalidOptionError(option, 'finite numbers (+Inf is implied)', given);
    }
    if (i > 0 && b <= bounds[i - 1]!) throw new InvalidOptionError(option, 'strictly increasing bounds', given);
  }
  return bounds;
}

/** A summary's own options, checked and with their defaults. */
export interface ResolvedSummaryOptions {
  readonly percentiles: readonly number[];
  readonly maxAgeSeconds: number;
  readonly ageBuckets: number;
  readonly accuracy: number;
}

export function resolveSummaryOptions(
  options: Pick<SummaryOptions<never>, 'name' | 'percentiles' | 'maxAgeSeconds' | 'ageBuckets' | 'accuracy'>,
): ResolvedSummaryOptions {
  const name = resolveMetricName(options);
  const at = (option: string) => `${name}.${option}`;
  const percentiles = options.percentiles ?? [0.5, 0.9, 0.95, 0.99];
  if (!Array.isArray(percentiles) || !percentiles.every((q) => typeof q === 'number' && q >= 0 && q <= 1)) {
    throw new InvalidOptionError(at('percentiles'), 'an array of quantiles, each in [0, 1]', percentiles);
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? 600;
  if (!(typeof maxAgeSeconds === 'number' && maxAgeSeconds > 0 && maxAgeSeconds < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError(at('maxAgeSeconds'), 'a number of seconds > 0', maxAgeSeconds);
  }
  const ageBuckets = options.ageBuckets ?? 5;
  if (!Number.isInteger(ageBuckets) || ageBuckets < 1) {
    throw new InvalidOptionError(at('ageBuckets'), 'an integer ≥ 1', ageBuckets);
  }
  const accuracy = options.accuracy ?? 0.01;
  if (!(typeof accuracy === 'number' && accuracy > 0 && accuracy < 1)) {
    throw new InvalidOptionError(at('accuracy'), 'a number in (0, 1)', accuracy);
  }
  return { percentiles: [...percentiles], maxAgeSeconds, ageBuckets, accuracy };
}

export interface ResolvedRegistryOptions {
  readonly name: string;
  readonly now: () => number;
}

export function resolveRegistryOptions(options: RegistryOptions | undefined): ResolvedRegistryOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidOptionError('options', 'an object', options);
  }
  return {
    name: resolveName(options?.name, 'registry'),
    now: resolveClock('now', options?.now, () => performance.now()),
  };
}

export interface ResolvedDefaultMetricsOptions {
  readonly registry: Registry;
  readonly prefix: string;
  readonly gcDurationBuckets: readonly number[];
  readonly eventLoopMonitoringPrecision: number;
}

export function resolveDefaultMetricsOptions(
  options: DefaultMetricsOptions,
  fallbackRegistry: Registry,
): ResolvedDefaultMetricsOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'an object', options);
  const registry = options.registry ?? fallbackRegistry;
  if (typeof registry?.register !== 'function') throw new InvalidOptionError('registry', 'a Registry', registry);
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
    throw new InvalidOptionError('prefix', 'letters, digits, _ and :, not starting with a digit', prefix);
  }
  const precision = options.eventLoopMonitoringPrecision ?? 10;
  if (!Number.isInteger(precision) || precision < 1) {
    throw new InvalidOptionError('eventLoopMonitoringPrecision', 'an integer number of milliseconds ≥ 1', precision);
  }
  return {
    registry,
    prefix,
    gcDurationBuckets: resolveBuckets('gcDurationBuckets', options.gcDurationBuckets ?? [0.001, 0.01, 0.1, 1, 2, 5]),
    eventLoopMonitoringPrecision: precision,
  };
}

export interface ResolvedAggregateOptions {
  readonly format: ExpositionFormat;
  readonly timeoutMs: number;
  readonly local: Registry | undefined;
}

export function resolveAggregateOptions(options: AggregateOptions): ResolvedAggregateOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'an object', options);
  const timeoutMs = options.timeoutMs ?? 5_000;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < Number.POSITIVE_INFINITY)) {
    throw new InvalidOptionError('timeoutMs', 'a number of milliseconds > 0', timeoutMs);
  }
  const { local } = options;
  if (local !== undefined && typeof local?.snapshot !== 'function') {
    throw new InvalidOptionError('local', 'a Registry', local);
  }
  return { format: resolveFormat('format', options.format), timeoutMs, local };
}

/** An exposition format: `prometheus` (text 0.0.4, the default) or `openmetrics`. */
export function resolveFormat(option: string, format: ExpositionFormat | undefined): ExpositionFormat {
  if (format === undefined || format === 'prometheus' || format === 'openmetrics') return format ?? 'prometheus';
  throw new InvalidOptionError(option, '"prometheus" or "openmetrics"', format);
}

function resolveName(name: string | undefined, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  return name;
}

function resolveClock(option: string, now: (() => number) | undefined, fallback: () => number): () => number {
  if (now === undefined) return fallback;
  if (typeof now !== 'function') throw new InvalidOptionError(option, 'a function returning milliseconds', now);
  return now;
}
