import { InvalidValueError } from './errors.js';
import { braces, type Format } from './metric.js';
import { flat, formatBound, formatValue } from './names.js';
import { ObservingMetric } from './observing.js';
import { type HistogramOptions, resolveBuckets, resolveMetricName } from './options.js';
import { ACTIVE, Series, type SeriesTable } from './series.js';
import type { SeriesSnapshot } from './snapshot.js';
import { startTimer } from './timer.js';

/** A pre-bound histogram series: per-bucket counts in a typed array, cumulated only at scrape time. */
export class HistogramChild extends Series {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** A negative value was observed: `_sum` is then no counter, and OpenMetrics leaves it out. */
  negative = false;
  /** Bucket line prefixes for the 0.0.4 and the OpenMetrics format, built at the first scrape in each. */
  readonly prefixes: [string[]?, string[]?] = [];

  constructor(
    table: SeriesTable<Series>,
    private readonly bounds: Float64Array,
    labelValues: readonly string[],
    labelText: string,
    createdAt: number,
  ) {
    super(table, labelValues, labelText, createdAt);
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one observation (any number but NaN). */
  observe(v: number): void {
    if (typeof v !== 'number' || Number.isNaN(v)) throw badObservation(this.table.metric, v);
    let s: HistogramChild = this;
    if (s.state !== ACTIVE) s = s.revive();
    const b = s.bounds;
    const n = b.length;
    let i = 0;
    if (n <= 16) {
      while (i < n && v > b[i]!) i++;
    } else {
      let hi = n;
      while (i < hi) {
        const mid = (i + hi) >>> 1;
        if (v > b[mid]!) i = mid + 1;
        else hi = mid;
      }
    }
    s.counts[i]!++;
    if (v < 0) s.negative = true;
    s.sum += v;
    s.count++;
  }

  /** Starts a timer; the returned function observes the elapsed seconds and returns them. */
  startTimer(): () => number {
    return startTimer((seconds) => this.observe(seconds));
  }
}

function badObservation(metric: string, v: unknown): InvalidValueError {
  return new InvalidValueError(metric, v, 'observe a number (NaN is refused)');
}

/** Counts observations in buckets (latencies, sizes); exposes `_bucket`, `_sum`, `_count`. */
export class Histogram<L extends string = never> extends ObservingMetric<HistogramChild, L> {
  readonly type = 'histogram' as const;
  readonly buckets: readonly number[];
  /** `le` values for the 0.0.4 and the OpenMetrics format. */
  private readonly les: readonly [readonly string[], readonly string[]];

  constructor(options: HistogramOptions<L>) {
    const bounds = new Float64Array(resolveBuckets(`${resolveMetricName(options)}.buckets`, options.buckets));
    super(options, (table) => (v, t, c) => new HistogramChild(table, bounds, v, t, c));
    this.buckets = Array.from(bounds);
    this.les = [leValues(this.buckets, { openMetrics: false }), leValues(this.buckets, { openMetrics: true })];
  }

  protected writeSeries(out: string[], s: HistogramChild, fmt: Format): void {
    const f = fmt.openMetrics ? 1 : 0;
    s.prefixes[f] ??= bucketPrefixes(this.name, this.les[f], s.labelText);
    const sum = hasSum(this.buckets, s.negative, fmt) ? s.sum : undefined;
    writeHistogram(out, this.name, s.prefixes[f], s.labelText, s.counts, sum, s.count, s.createdAt, fmt);
  }

  protected resetSeries(s: HistogramChild): void {
    s.counts.fill(0);
    s.sum = 0;
    s.count = 0;
    s.negative = false;
  }

  protected snapshotSeries(s: HistogramChild): SeriesSnapshot {
    const snapshot = { labels: s.labelValues, created: s.createdAt, counts: Array.from(s.counts), sum: s.sum };
    return s.negative ? { ...snapshot, count: s.count, negative: true } : { ...snapshot, count: s.count };
  }

  protected override snapshotMeta() {
    return { buckets: this.buckets };
  }
}

/**
 * OpenMetrics: a histogram's `_sum` is a counter, so it is left out when a bucket bound is negative
 * or a negative value was observed (the sum could go down). The 0.0.4 format always has it.
 */
export function hasSum(bounds: readonly number[], negative: boolean, fmt: Format): boolean {
  return !fmt.openMetrics || !(negative || (bounds[0] ?? 0) < 0);
}

/** The `le` label values of a histogram's bounds, spelled once per format. */
export function leValues(bounds: readonly number[], fmt: Format): string[] {
  return bounds.map((b) => formatBound(b, fmt.openMetrics));
}

/** `name_bucket{labels,le="b"} ` for each bound and +Inf: built once per series and format, then reused. */
export function bucketPrefixes(name: string, les: readonly string[], labelText: string): string[] {
  const pre = labelText === '' ? `${name}_bucket{le="` : `${name}_bucket{${labelText},le="`;
  return [...les, '+Inf'].map((le) => flat(`${pre}${le}"} `));
}

export function writeHistogram(
  out: string[],
  name: string,
  prefixes: readonly string[],
  labelText: string,
  counts: ArrayLike<number>,
  /** `undefined` leaves the `_sum` line out (see {@link hasSum}). */
  sum: number | undefined,
  count: number,
  created: number,
  fmt: Format,
): void {
  let text = '';
  let cumulative = 0;
  for (let i = 0; i < prefixes.length; i++) {
    cumulative += counts[i]!;
    text += `${prefixes[i]}${cumulative}\n`;
  }
  const l = braces(labelText);
  if (sum !== undefined) text += `${name}_sum${l} ${formatValue(sum)}\n`;
  text += `${name}_count${l} ${count}\n`;
  if (fmt.openMetrics) text += `${name}_created${l} ${created / 1000}\n`;
  out.push(text);
}
