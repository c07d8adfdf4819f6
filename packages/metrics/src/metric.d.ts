import { type MetricOptions } from './options.js';
import type { SliceBudget } from './registry.js';
import { type LabelValues, type Series, SeriesTable } from './series.js';
import type { MetricSnapshot, SeriesSnapshot } from './snapshot.js';
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';
/** What `metric.stats()` returns: a fresh object at each call. */
export interface MetricStats {
    /** The metric's `name`. */
    readonly name: string;
    /** Series held now (label sets, the `__overflow__` one included). */
    readonly series: number;
    /** The `maxSeries` cap. */
    readonly maxSeries: number;
    /** Label lookups past the cap that went to the `__overflow__` series (each `inc(labels)`, `labels()`...). */
    readonly overflowed: number;
}
/** Output format of an exposition. */
export interface Format {
    readonly openMetrics: boolean;
}
export declare abstract class Metric<S extends Series, L extends string> {
    abstract readonly type: MetricType;
    readonly name: string;
    readonly help: string;
    readonly labelNames: readonly L[];
    protected readonly table: SeriesTable<S>;
    /** The one series of a metric without labels; undefined when labels are declared. */
    protected readonly unlabelled: S | undefined;
    private readonly collectFn;
    constructor(options: MetricOptions<L, never>, make: (table: SeriesTable<S>) => (v: readonly string[], t: string, c: number) => S);
    /** Counters of this metric: a fresh plain object at each call. */
    stats(): MetricStats;
    /** The series of a metric without labels; throws if the metric declared labels. */
    protected noLabels(): S;
    /** Removes the series of this label set. A handle bound to it re-registers it on its next update. */
    remove(labels: LabelValues<L>): boolean;
    /** Removes every series (a metric without labels keeps its one series, reset to zero). */
    reset(): void;
    /** Runs the collect callback and expires idle series. Called by the registry at scrape time. */
    collect(): void | Promise<void>;
    /** Appends the exposition of this metric to `out`, yielding whenever `budget.left` series have been written. */
    write(out: string[], fmt: Format, budget: SliceBudget): Generator<void, void, void>;
    /** Plain data for aggregation across processes (see `mergeSnapshots`). */
    snapshot(): MetricSnapshot;
    protected abstract writeSeries(out: string[], s: S, fmt: Format): void;
    protected abstract resetSeries(s: S): void;
    protected abstract snapshotSeries(s: S): SeriesSnapshot;
    protected snapshotMeta(): Partial<MetricSnapshot>;
}
/** `_total` is part of a counter's sample name; OpenMetrics names the family without it. */
export declare function familyName(type: MetricType, name: string, fmt: Format): string;
export declare function writeHeader(out: string[], type: MetricType, name: string, help: string, fmt: Format): void;
/** `{a="x",b="y"}`, or nothing for a series without labels. */
export declare function braces(labelText: string): string;
