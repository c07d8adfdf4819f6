import { InvalidValueError } from './errors.js';
import { braces, type Format, familyName, Metric } from './metric.js';
import { formatValue } from './names.js';
import type { CounterOptions } from './options.js';
import { ACTIVE, type LabelValues, Series } from './series.js';
import type { SeriesSnapshot } from './snapshot.js';

/** A pre-bound counter series: `inc()` is a check and a field increment. */
export class CounterChild extends Series {
  value = 0;

  /** Adds `n` (default 1): a finite number ≥ 0. */
  inc(n = 1): void {
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) throw badIncrement(this.table.metric, n);
    let s: CounterChild = this;
    if (s.state !== ACTIVE) s = s.revive();
    s.value += n;
  }

  /** Current value. */
  get(): number {
    return this.value;
  }
}

function badIncrement(metric: string, n: unknown): InvalidValueError {
  return new InvalidValueError(metric, n, 'a counter only goes up: pass a finite number ≥ 0');
}

/** A value that only goes up (requests served, bytes sent). Name it `..._total`. */
export class Counter<L extends string = never> extends Metric<CounterChild, L> {
  readonly type = 'counter' as const;

  constructor(options: CounterOptions<L>) {
    super(options, (table) => (v, t, c) => new CounterChild(table, v, t, c));
  }

  /** Adds `n` (default 1) to the series of `labels`, or to the metric without labels. */
  inc(n?: number): void;
  inc(labels: LabelValues<L>, n?: number): void;
  inc(a?: number | LabelValues<L>, b?: number): void {
    if (typeof a === 'object') this.table.get(a).inc(b);
    else this.noLabels().inc(a);
  }

  /** A handle bound to one label set: keep it and call `inc()` on the hot path. */
  labels(labels: LabelValues<L>): CounterChild {
    return this.table.get(labels);
  }

  /** Current value of a series (0 if it does not exist yet). */
  get(labels?: LabelValues<L>): number {
    return labels ? (this.table.peek(labels)?.value ?? 0) : this.noLabels().value;
  }

  protected writeSeries(out: string[], s: CounterChild, fmt: Format): void {
    writeCounter(out, this.name, s.labelText, s.value, s.createdAt, fmt);
  }

  protected resetSeries(s: CounterChild): void {
    s.value = 0;
  }

  protected snapshotSeries(s: CounterChild): SeriesSnapshot {
    return { labels: s.labelValues, created: s.createdAt, value: s.value };
  }
}

export function writeCounter(
  out: string[],
  name: string,
  labelText: string,
  value: number,
  created: number,
  fmt: Format,
): void {
  const l = braces(labelText);
  if (!fmt.openMetrics) {
    out.push(`${name}${l} ${formatValue(value)}\n`);
    return;
  }
  const family = familyName('counter', name, fmt);
  out.push(`${family}_total${l} ${formatValue(value)}\n${family}_created${l} ${created / 1000}\n`);
}
