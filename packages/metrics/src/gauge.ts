import { InvalidValueError } from './errors.js';
import { braces, type Format, Metric } from './metric.js';
import { formatValue } from './names.js';
import { type GaugeOptions, resolveGaugeAggregate, resolveMetricName } from './options.js';
import { ACTIVE, type LabelValues, Series } from './series.js';
import type { GaugeAggregation, SeriesSnapshot } from './snapshot.js';
import { startTimer } from './timer.js';

/** A pre-bound gauge series. */
export class GaugeChild extends Series {
  value = 0;

  /** Sets the value (any number but NaN). */
  set(v: number): void {
    if (typeof v !== 'number' || Number.isNaN(v)) throw badValue(this.table.metric, v);
    let s: GaugeChild = this;
    if (s.state !== ACTIVE) s = s.revive();
    s.value = v;
  }

  /** Adds `n` (default 1; may be negative). */
  inc(n = 1): void {
    if (typeof n !== 'number' || Number.isNaN(n)) throw badValue(this.table.metric, n);
    let s: GaugeChild = this;
    if (s.state !== ACTIVE) s = s.revive();
    s.value += n;
  }

  /** Subtracts `n` (default 1). */
  dec(n = 1): void {
    this.inc(-n);
  }

  /** Sets the value to the current time in seconds since the epoch. */
  setToCurrentTime(): void {
    this.set(Date.now() / 1000);
  }

  /** Starts a timer; the returned function sets the gauge to the elapsed seconds and returns them. */
  startTimer(): () => number {
    return startTimer((seconds) => this.set(seconds));
  }

  get(): number {
    return this.value;
  }
}

function badValue(metric: string, v: unknown): InvalidValueError {
  return new InvalidValueError(metric, v, 'pass a number (NaN is refused)');
}

/** A value that goes up and down (queue depth, pool size, temperature). */
export class Gauge<L extends string = never> extends Metric<GaugeChild, L> {
  readonly type = 'gauge' as const;
  readonly aggregate: GaugeAggregation;

  constructor(options: GaugeOptions<L>) {
    const aggregate = resolveGaugeAggregate(resolveMetricName(options), options.aggregate);
    super(options, (table) => (v, t, c) => new GaugeChild(table, v, t, c));
    this.aggregate = aggregate;
  }

  set(value: number): void;
  set(labels: LabelValues<L>, value: number): void;
  set(a: number | LabelValues<L>, b?: number): void {
    if (typeof a === 'object') this.table.get(a).set(b as number);
    else this.noLabels().set(a);
  }

  inc(n?: number): void;
  inc(labels: LabelValues<L>, n?: number): void;
  inc(a?: number | LabelValues<L>, b?: number): void {
    if (typeof a === 'object') this.table.get(a).inc(b);
    else this.noLabels().inc(a);
  }

  dec(n?: number): void;
  dec(labels: LabelValues<L>, n?: number): void;
  dec(a?: number | LabelValues<L>, b = 1): void {
    if (typeof a === 'object') this.table.get(a).inc(-b);
    else this.noLabels().inc(-(a ?? 1));
  }

  setToCurrentTime(labels?: LabelValues<L>): void {
    (labels ? this.table.get(labels) : this.noLabels()).setToCurrentTime();
  }

  startTimer(labels?: LabelValues<L>): () => number {
    return (labels ? this.table.get(labels) : this.noLabels()).startTimer();
  }

  /** A handle bound to one label set. */
  labels(labels: LabelValues<L>): GaugeChild {
    return this.table.get(labels);
  }

  get(labels?: LabelValues<L>): number {
    return labels ? (this.table.peek(labels)?.value ?? 0) : this.noLabels().value;
  }

  protected writeSeries(out: string[], s: GaugeChild, _fmt: Format): void {
    out.push(`${this.name}${braces(s.labelText)} ${formatValue(s.value)}\n`);
  }

  protected resetSeries(s: GaugeChild): void {
    s.value = 0;
  }

  protected snapshotSeries(s: GaugeChild): SeriesSnapshot {
    return { labels: s.labelValues, created: s.createdAt, value: s.value };
  }

  protected override snapshotMeta() {
    return { aggregate: this.aggregate };
  }
}
