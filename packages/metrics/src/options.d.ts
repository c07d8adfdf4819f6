import type { Counter } from './counter.js';
import type { Gauge } from './gauge.js';
import type { Histogram } from './histogram.js';
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
export declare const DEFAULT_MAX_SERIES = 10000;
/** prom-client's default buckets (seconds), so existing dashboards keep working. */
export declare const DEFAULT_BUCKETS: readonly number[];
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
export declare function resolveMetricName(options: {
    readonly name: string;
}): string;
/** Checks the options every metric takes; `fallbackRegistry` is where it registers when given no `registry`. */
export declare function resolveMetricOptions(options: MetricOptions<string, never>, fallbackRegistry: Registry): ResolvedMetricOptions;
/** A gauge's `aggregate` option. */
export declare function resolveGaugeAggregate(metric: string, aggregate: GaugeAggregation | undefined): GaugeAggregation;
/** Histogram bounds: finite, strictly increasing, at least one. +Inf is implied and dropped if given. */
export declare function resolveBuckets(option: string, buckets: readonly number[] | undefined): number[];
/** A summary's own options, checked and with their defaults. */
export interface ResolvedSummaryOptions {
    readonly percentiles: readonly number[];
    readonly maxAgeSeconds: number;
    readonly ageBuckets: number;
    readonly accuracy: number;
}
export declare function resolveSummaryOptions(options: Pick<SummaryOptions<never>, 'name' | 'percentiles' | 'maxAgeSeconds' | 'ageBuckets' | 'accuracy'>): ResolvedSummaryOptions;
export interface ResolvedRegistryOptions {
    readonly name: string;
    readonly now: () => number;
}
export declare function resolveRegistryOptions(options: RegistryOptions | undefined): ResolvedRegistryOptions;
export interface ResolvedDefaultMetricsOptions {
    readonly registry: Registry;
    readonly prefix: string;
    readonly gcDurationBuckets: readonly number[];
    readonly eventLoopMonitoringPrecision: number;
}
export declare function resolveDefaultMetricsOptions(options: DefaultMetricsOptions, fallbackRegistry: Registry): ResolvedDefaultMetricsOptions;
export interface ResolvedAggregateOptions {
    readonly format: ExpositionFormat;
    readonly timeoutMs: number;
    readonly local: Registry | undefined;
}
export declare function resolveAggregateOptions(options: AggregateOptions): ResolvedAggregateOptions;
/** An exposition format: `prometheus` (text 0.0.4, the default) or `openmetrics`. */
export declare function resolveFormat(option: string, format: ExpositionFormat | undefined): ExpositionFormat;
