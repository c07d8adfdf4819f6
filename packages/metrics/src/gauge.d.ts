import { type Format, Metric } from './metric.js';
import { type GaugeOptions } from './options.js';
import { type LabelValues, Series } from './series.js';
import type { GaugeAggregation, SeriesSnapshot } from './snapshot.js';
/** A pre-bound gauge series. */
export declare class GaugeChild extends Series {
    value: number;
    /** Sets the value (any number but NaN). */
    set(v: number): void;
    /** Adds `n` (default 1; may be negative). */
    inc(n?: number): void;
    /** Subtracts `n` (default 1). */
    dec(n?: number): void;
    /** Sets the value to the current time in seconds since the epoch. */
    setToCurrentTime(): void;
    /** Starts a timer; the returned function sets the gauge to the elapsed seconds and returns them. */
    startTimer(): () => number;
    get(): number;
}
/** A value that goes up and down (queue depth, pool size, temperature). */
export declare class Gauge<L extends string = never> extends Metric<GaugeChild, L> {
    readonly type: "gauge";
    readonly aggregate: GaugeAggregation;
    constructor(options: GaugeOptions<L>);
    set(value: number): void;
    set(labels: LabelValues<L>, value: number): void;
    inc(n?: number): void;
    inc(labels: LabelValues<L>, n?: number): void;
    dec(n?: number): void;
    dec(labels: LabelValues<L>, n?: number): void;
    setToCurrentTime(labels?: LabelValues<L>): void;
    startTimer(labels?: LabelValues<L>): () => number;
    /** A handle bound to one label set. */
    labels(labels: LabelValues<L>): GaugeChild;
    get(labels?: LabelValues<L>): number;
    protected writeSeries(out: string[], s: GaugeChild, _fmt: Format): void;
    protected resetSeries(s: GaugeChild): void;
    protected snapshotSeries(s: GaugeChild): SeriesSnapshot;
    protected snapshotMeta(): {
        aggregate: GaugeAggregation;
    };
}
