import { type Format } from './metric.js';
import { ObservingMetric } from './observing.js';
import { type HistogramOptions } from './options.js';
import { Series, type SeriesTable } from './series.js';
import type { SeriesSnapshot } from './snapshot.js';
/** A pre-bound histogram series: per-bucket counts in a typed array, cumulated only at scrape time. */
export declare class HistogramChild extends Series {
    private readonly bounds;
    /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
    readonly counts: Float64Array;
    sum: number;
    count: number;
    /** A negative value was observed: `_sum` is then no counter, and OpenMetrics leaves it out. */
    negative: boolean;
    /** Bucket line prefixes for the 0.0.4 and the OpenMetrics format, built at the first scrape in each. */
    readonly prefixes: [string[]?, string[]?];
    constructor(table: SeriesTable<Series>, bounds: Float64Array, labelValues: readonly string[], labelText: string, createdAt: number);
    /** Records one observation (any number but NaN). */
    observe(v: number): void;
    /** Starts a timer; the returned function observes the elapsed seconds and returns them. */
    startTimer(): () => number;
}
/** Counts observations in buckets (latencies, sizes); exposes `_bucket`, `_sum`, `_count`. */
export declare class Histogram<L extends string = never> extends ObservingMetric<HistogramChild, L> {
    readonly type: "histogram";
    readonly buckets: readonly number[];
    /** `le` values for the 0.0.4 and the OpenMetrics format. */
    private readonly les;
    constructor(options: HistogramOptions<L>);
    protected writeSeries(out: string[], s: HistogramChild, fmt: Format): void;
    protected resetSeries(s: HistogramChild): void;
    protected snapshotSeries(s: HistogramChild): SeriesSnapshot;
    protected snapshotMeta(): {
        buckets: readonly number[];
    };
}
/**
 * OpenMetrics: a histogram's `_sum` is a counter, so it is left out when a bucket bound is negative
 * or a negative value was observed (the sum could go down). The 0.0.4 format always has it.
 */
export declare function hasSum(bounds: readonly number[], negative: boolean, fmt: Format): boolean;
/** The `le` label values of a histogram's bounds, spelled once per format. */
export declare function leValues(bounds: readonly number[], fmt: Format): string[];
/** `name_bucket{labels,le="b"} ` for each bound and +Inf: built once per series and format, then reused. */
export declare function bucketPrefixes(name: string, les: readonly string[], labelText: string): string[];
export declare function writeHistogram(out: string[], name: string, prefixes: readonly string[], labelText: string, counts: ArrayLike<number>, 
/** `undefined` leaves the `_sum` line out (see {@link hasSum}). */
sum: number | undefined, count: number, created: number, fmt: Format): void;
