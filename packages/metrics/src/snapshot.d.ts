import type { MetricType } from './metric.js';
import type { SketchSnapshot } from './sketch.js';
/** How gauges of several processes combine. Default `sum`. */
export type GaugeAggregation = 'sum' | 'min' | 'max' | 'average' | 'first' | 'omit';
export interface SeriesSnapshot {
    /** Label values, in the metric's declared order. */
    readonly labels: readonly string[];
    /** Creation time, ms since the epoch. */
    readonly created: number;
    /** Counter or gauge value. */
    readonly value?: number;
    /** Histogram: per-bucket (not cumulative) counts, the last one for +Inf. */
    readonly counts?: readonly number[];
    readonly sum?: number;
    readonly count?: number;
    /** Histogram: a negative value was observed (OpenMetrics then leaves `_sum` out). */
    readonly negative?: boolean;
    /** Summary: the quantile sketch of the current window. */
    readonly sketch?: SketchSnapshot;
}
export interface MetricSnapshot {
    readonly name: string;
    readonly help: string;
    readonly type: MetricType;
    readonly labelNames: readonly string[];
    /** Histogram bucket upper bounds (without +Inf). */
    readonly buckets?: readonly number[];
    /** Summary quantiles. */
    readonly quantiles?: readonly number[];
    readonly aggregate?: GaugeAggregation;
    readonly series: readonly SeriesSnapshot[];
}
