import type { Format } from './metric.js';
import { type RegistryOptions } from './options.js';
import type { MetricSnapshot } from './snapshot.js';
/** What the registry needs of a metric (every metric class of this package is one). */
export interface Collectable {
    readonly name: string;
    collect(): void | Promise<void>;
    /** Appends the exposition to `out`, yielding whenever `budget.left` series have been written. */
    write(out: string[], fmt: Format, budget: SliceBudget): Generator<void, void, void>;
    snapshot(): MetricSnapshot;
    /** Counted in the registry's `stats()` when present. */
    stats?(): {
        readonly series: number;
        readonly overflowed: number;
    };
}
/** What `registry.stats()` returns: a fresh object at each call. */
export interface RegistryStats {
    /** The registry's `name` option. */
    readonly name: string;
    /** Metrics registered now. */
    readonly metrics: number;
    /** Series held now, across every metric. */
    readonly series: number;
    /** Label lookups past a metric's `maxSeries` that went to its `__overflow__` series, across every metric. */
    readonly overflowed: number;
    /** `metrics()` and `snapshot()` calls that completed. */
    readonly scrapes: number;
    /** `metrics()` and `snapshot()` calls that failed (a `collect` callback threw or rejected). */
    readonly failures: number;
}
/** Series left to write before a scrape yields to the event loop. */
export interface SliceBudget {
    left: number;
}
export type ExpositionFormat = 'prometheus' | 'openmetrics';
export declare const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
export declare const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/** The format a scraper asked for: OpenMetrics when its Accept header names it, else the 0.0.4 text format. */
export declare function negotiate(accept: string | undefined): ExpositionFormat;
export declare function contentType(format: ExpositionFormat): string;
export declare class Registry {
    /** The `name` option: in `stats()`, diagnostics messages and errors. */
    readonly name: string;
    private readonly now;
    private readonly metricsByName;
    private scrapes;
    private failures;
    constructor(options?: RegistryOptions);
    /** Adds a metric; metric constructors call this for you (option `registry`). */
    register(metric: Collectable): void;
    get(name: string): Collectable | undefined;
    /** Unregisters one metric. */
    remove(name: string): boolean;
    /** Unregisters every metric. */
    clear(): void;
    /** Runs every metric's collect callback (awaiting async ones together). */
    collect(): Promise<void>;
    /**
     * The exposition of every metric. Runs the collect callbacks first, and yields
     * to the event loop every few thousand series so that a large scrape never
     * blocks the process for long.
     */
    metrics(format?: ExpositionFormat): Promise<string>;
    /** Plain data of every metric, for aggregation across processes (cluster, worker threads). */
    snapshot(): Promise<MetricSnapshot[]>;
    /** Counters: a fresh plain object at each call. */
    stats(): RegistryStats;
    /** Runs one scrape, counting it and publishing it on `perf:metrics:scrape` when someone listens. */
    private scrape;
}
/** Writes metrics one after another, yielding to the event loop between slices of series. */
export declare function writeAll(metrics: Iterable<Pick<Collectable, 'write'>>, fmt: Format): Promise<{
    readonly text: string;
    readonly series: number;
}>;
/** The registry metrics join unless given another (or `null`); its `name` is `default`. */
export declare const defaultRegistry: Registry;
