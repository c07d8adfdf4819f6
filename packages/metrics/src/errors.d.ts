/** Every `code` a {@link MetricsError} can have: `switch (error.code)` is checked against it. */
export type MetricsErrorCode = 'PERF_METRICS_INVALID_NAME' | 'PERF_METRICS_LABEL_MISMATCH' | 'PERF_METRICS_INVALID_VALUE' | 'PERF_METRICS_DUPLICATE' | 'PERF_METRICS_INVALID_OPTION' | 'PERF_METRICS_AGGREGATION';
/** Base class of every @perf/metrics error: `code` is stable across versions and safe to switch on. */
export declare abstract class MetricsError extends Error {
    abstract readonly code: MetricsErrorCode;
    constructor(message: string, options?: ErrorOptions);
}
/** A metric or label name that Prometheus would reject. */
export declare class InvalidNameError extends MetricsError {
    readonly code = "PERF_METRICS_INVALID_NAME";
    /** Whether a metric or a label name was refused. */
    readonly kind: 'metric' | 'label';
    /** The name that was refused. */
    readonly received: unknown;
    constructor(kind: 'metric' | 'label', received: unknown, rule: string);
}
/** A label set that does not match the labels the metric declared. */
export declare class LabelMismatchError extends MetricsError {
    readonly code = "PERF_METRICS_LABEL_MISMATCH";
    /** Name of the metric. */
    readonly metric: string;
    /** The labels it declared. */
    readonly labelNames: readonly string[];
    constructor(metric: string, labelNames: readonly string[], problem: string);
}
/** A value a metric cannot take: NaN, a negative counter increment, a non-number. Nothing was recorded. */
export declare class InvalidValueError extends MetricsError {
    readonly code = "PERF_METRICS_INVALID_VALUE";
    /** Name of the metric. */
    readonly metric: string;
    /** The value that was refused. */
    readonly value: unknown;
    constructor(metric: string, value: unknown, rule: string);
}
/** Two metrics registered under one name in one registry. */
export declare class DuplicateMetricError extends MetricsError {
    readonly code = "PERF_METRICS_DUPLICATE";
    /** The name both metrics have. */
    readonly metric: string;
    /** The `name` of the registry that already holds it. */
    readonly registry: string;
    constructor(metric: string, registry: string);
}
/**
 * An option outside what it accepts (bucket bounds, caps, TTLs, quantiles...).
 * `option` is the option's path: `<metric name>.<option>` for a metric's own
 * options (`http_requests_total.maxSeries`), `<function>.<argument>` for a
 * helper's arguments (`linearBuckets.width`), the bare name elsewhere.
 */
export declare class InvalidOptionError extends MetricsError {
    /** Path of the offending option, e.g. `http_requests_total.maxSeries`. */
    readonly option: string;
    /** What the option accepts, e.g. `an integer ≥ 1`. */
    readonly expected: string;
    /** The value given. */
    readonly received: unknown;
    readonly code = "PERF_METRICS_INVALID_OPTION";
    constructor(
    /** Path of the offending option, e.g. `http_requests_total.maxSeries`. */
    option: string, 
    /** What the option accepts, e.g. `an integer ≥ 1`. */
    expected: string, 
    /** The value given. */
    received: unknown);
}
/** A peer did not answer a metrics request in time, or answered with an error. */
export declare class AggregationError extends MetricsError {
    readonly code = "PERF_METRICS_AGGREGATION";
}
/** A value as a message shows it: strings quoted, functions and objects in a few words, arrays shortened. */
export declare function formatReceived(value: unknown, depth?: number): string;
