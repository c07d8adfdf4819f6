// Every error this package throws is one of these, with a stable `code`, thrown
// at the call that was wrong (never later, at scrape time).

/** Base class: `code` is stable across versions and safe to switch on. */
export class MetricsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A metric or label name that Prometheus would reject. */
export class InvalidNameError extends MetricsError {
  constructor(kind: 'metric' | 'label', name: string, rule: string) {
    super('PERF_METRICS_INVALID_NAME', `invalid ${kind} name ${JSON.stringify(name)}: ${rule}`);
  }
}

/** A label set that does not match the labels the metric declared. */
export class LabelMismatchError extends MetricsError {
  constructor(metric: string, declared: readonly string[], problem: string) {
    super(
      'PERF_METRICS_LABEL_MISMATCH',
      `${metric}: ${problem}; declared labels are [${declared.join(', ')}]: pass exactly those, each a string or number`,
    );
  }
}

/** A value a metric cannot take: NaN, a negative counter increment, a non-number. */
export class InvalidValueError extends MetricsError {
  constructor(metric: string, value: unknown, rule: string) {
    super('PERF_METRICS_INVALID_VALUE', `${metric}: ${String(value)} is not a valid value: ${rule}`);
  }
}

/** Two metrics registered under one name in one registry. */
export class DuplicateMetricError extends MetricsError {
  constructor(name: string) {
    super(
      'PERF_METRICS_DUPLICATE',
      `a metric named ${JSON.stringify(name)} is already registered: reuse it (registry.get(name)) or pick another name`,
    );
  }
}

/** An option outside its allowed range (bucket bounds, caps, TTLs, quantiles...). */
export class InvalidOptionError extends MetricsError {
  constructor(metric: string, option: string, problem: string) {
    super('PERF_METRICS_INVALID_OPTION', `${metric}: option ${option} ${problem}`);
  }
}
