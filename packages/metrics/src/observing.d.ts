import { Metric } from './metric.js';
import type { LabelValues, Series } from './series.js';
/** A series that records observations: a histogram's or a summary's. */
export interface ObservingSeries extends Series {
    observe(value: number): void;
    startTimer(): () => number;
}
/** What Histogram and Summary share: `observe`, `startTimer` and bound handles. */
export declare abstract class ObservingMetric<S extends ObservingSeries, L extends string> extends Metric<S, L> {
    observe(value: number): void;
    observe(labels: LabelValues<L>, value: number): void;
    /** `const end = metric.startTimer(labels); ...; end()` observes the elapsed seconds (and returns them). */
    startTimer(labels?: LabelValues<L>): () => number;
    /** A handle bound to one label set: keep it and call `observe()` on the hot path. */
    labels(labels: LabelValues<L>): S;
}
