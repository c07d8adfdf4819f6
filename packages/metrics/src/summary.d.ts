import { type Format } from './metric.js';
import { ObservingMetric } from './observing.js';
import { type SummaryOptions } from './options.js';
import { Series, type SeriesTable } from './series.js';
import { QuantileSketch } from './sketch.js';
import type { SeriesSnapshot } from './snapshot.js';
interface Window {
    readonly ageBuckets: number;
    readonly bucketMs: number;
    readonly alpha: number;
    readonly now: () => number;
}
/**
 * A pre-bound summary series: a ring of sketches, one per age bucket. An
 * observation goes into the newest; a scrape merges them all; every
 * `maxAgeSeconds / ageBuckets` the oldest is cleared. Memory is bounded.
 */
export declare class SummaryChild extends Series {
    private readonly window;
    private readonly ring;
    private head;
    private rotateAt;
    sum: number;
    count: number;
    constructor(table: SeriesTable<Series>, window: Window, labelValues: readonly string[], labelText: string, createdAt: number);
    observe(v: number): void;
    startTimer(): () => number;
    /** The merged sketch of the current window. */
    windowSketch(): QuantileSketch;
    private rotate;
    reset(): void;
}
/** Quantiles over a sliding window, in bounded memory, mergeable across processes. */
export declare class Summary<L extends string = never> extends ObservingMetric<SummaryChild, L> {
    readonly type: "summary";
    readonly percentiles: readonly number[];
    constructor(options: SummaryOptions<L>);
    protected writeSeries(out: string[], s: SummaryChild, fmt: Format): void;
    protected resetSeries(s: SummaryChild): void;
    protected snapshotSeries(s: SummaryChild): SeriesSnapshot;
    protected snapshotMeta(): {
        quantiles: readonly number[];
    };
}
export declare function writeSummary(out: string[], name: string, quantiles: readonly number[], labelText: string, sketch: QuantileSketch, sum: number, count: number, created: number, fmt: Format): void;
export {};
