// Every error this package throws, each with a stable `code`, thrown at the
// call that was wrong (never later, at scrape time) with a message that says
// what was wrong and what to do.

/** Every `code` a {@link MetricsError} can have: `switch (error.code)` is checked against it. */
export type MetricsErrorCode =
  | 'PERF_METRICS_INVALID_NAME'
  | 'PERF_METRICS_LABEL_MISMATCH'
  | 'PERF_METRICS_INVALID_VALUE'
  | 'PERF_METRICS_DUPLICATE'
  | 'PERF_METRICS_INVALID_OPTION'
  | 'PERF_METRICS_AGGREGATION';

/** Base class of every @perf/metrics error: `code` is stable across versions and safe to switch on. */
export abstract class MetricsError extends Error {
  abstract readonly code: MetricsErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(`@perf/metrics: ${message}`, options);
    this.name = new.target.name;
  }
}

/** A metric or label name that Prometheus would reject. */
export class InvalidNameError extends MetricsError {
  readonly code = 'PERF_METRICS_INVALID_NAME';
  /** Whether a metric or a label name was refused. */
  readonly kind: 'metric' | 'label';
  /** The name that was refused. */
  readonly received: unknown;

  constructor(kind: 'metric' | 'label', received: unknown, rule: string) {
    super(`invalid ${kind} name ${formatReceived(received)}: ${rule}`);
    this.kind = kind;
    this.received = received;
  }
}

/** A label set that does not match the labels the metric declared. */
export class LabelMismatchError extends MetricsError {
  readonly code = 'PERF_METRICS_LABEL_MISMATCH';
  /** Name of the metric. */
  readonly metric: string;
  /** The labels it declared. */
  readonly labelNames: readonly string[];

  constructor(metric: string, labelNames: readonly string[], problem: string) {
    super(
      `${metric}: ${problem}; declared labels are [${labelNames.join(', ')}]: pass exactly those, each a string or number`,
    );
    this.metric = metric;
    this.labelNames = labelNames;
  }
}

/** A value a metric cannot take: NaN, a negative counter increment, a non-number. Nothing was recorded. */
export class InvalidValueError extends MetricsError {
  readonly code = 'PERF_METRICS_INVALID_VALUE';
  /** Name of the metric. */
  readonly metric: string;
  /** The value that was refused. */
  readonly value: unknown;

  constructor(metric: string, value: unknown, rule: string) {
    super(`${metric}: ${formatReceived(value)} is not a valid value: ${rule}`);
    this.metric = metric;
    this.value = value;
  }
}

/** Two metrics registered under one name in one registry. */
export class DuplicateMetricError extends MetricsError {
  readonly code = 'PERF_METRICS_DUPLICATE';
  /** The name both metrics have. */
  readonly metric: string;
  /** The `name` of the registry that already holds it. */
  readonly registry: string;

  constructor(metric: string, registry: string) {
    super(
      `a metric named ${JSON.stringify(metric)} is already registered in registry ${JSON.stringify(registry)}: reuse it (registry.get(name)) or pick another name`,
    );
    this.metric = metric;
    this.registry = registry;
  }
}

/**
 * An option outside what it accepts (bucket bounds, caps, TTLs, quantiles...).
 * `option` is the option's path: `<metric name>.<option>` for a metric's own
 * options (`http_requests_total.maxSeries`), `<function>.<argument>` for a
 * helper's arguments (`linearBuckets.width`), the bare name elsewhere.
 */
export class InvalidOptionError extends MetricsError {
  readonly code = 'PERF_METRICS_INVALID_OPTION';

  constructor(
    /** Path of the offending option, e.g. `http_requests_total.maxSeries`. */
    readonly option: string,
    /** What the option accepts, e.g. `an integer ≥ 1`. */
    readonly expected: string,
    /** The value given. */
    readonly received: unknown,
  ) {
    super(`option ${option} must be ${expected}, received ${formatReceived(received)}`);
  }
}

/** A peer did not answer a metrics request in time, or answered with an error. */
export class AggregationError extends MetricsError {
  readonly code = 'PERF_METRICS_AGGREGATION';
}

/** A value as a message shows it: strings quoted, functions and objects in a few words, arrays shortened. */
export function formatReceived(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    if (depth > 0) return `an array of ${value.length}`;
    const shown = value.slice(0, 6).map((v) => formatReceived(v, depth + 1));
    return `[${shown.join(', ')}${value.length > 6 ? `, ... (${value.length} items)` : ''}]`;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    return `a ${(value as { constructor?: { name?: string } }).constructor?.name || 'object'} instance`;
  }
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 6).join(', ')}`;
}
