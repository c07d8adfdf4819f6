import { type Format, Metric } from './metric.js';
import type { CounterOptions } from './options.js';
import { type LabelValues, Series } from './series.js';
import type { SeriesSnapshot } from './snapshot.js';
/** A pre-bound counter series: `inc()` is a check and a field increment. */
export declare class CounterChild extends Series {
    value: number;
    /** Adds `n` (default 1): a finite number ≥ 0. */
    inc(n?: number): void;
    /** Current value. */
    get(): number;
}
/** A value that only goes up (requests served, bytes sent). Name it `..._total`. */
export declare class Counter<L extends string = never> extends Metric<CounterChild, L> {
    readonly type: "counter";
    constructor(options: CounterOptions<L>);
    /** Adds `n` (default 1) to the series of `labels`, or to the metric without labels. */
    inc(n?: number): void;
    inc(labels: LabelValues<L>, n?: number): void;
    /** A handle bound to one label set: keep it and call `inc()` on the hot path. */
    labels(labels: LabelValues<L>): CounterChild;
    /** Current value of a series (0 if it does not exist yet). */
    get(labels?: LabelValues<L>): number;
    protected writeSeries(out: string[], s: CounterChild, fmt: Format): void;
    protected resetSeries(s: CounterChild): void;
    protected snapshotSeries(s: CounterChild): SeriesSnapshot;
}
export declare function writeCounter(out: string[], name: string, labelText: string, value: number, created: number, fmt: Format): void;
