import { InvalidValueError } from './errors.js';
import { braces, type Format } from './metric.js';
import { formatBound, formatValue } from './names.js';
import { ObservingMetric } from './observing.js';
import { resolveSummaryOptions, type SummaryOptions } from './options.js';
import { ACTIVE, Series, type SeriesTable } from './series.js';
import { QuantileSketch } from './sketch.js';
import type { SeriesSnapshot } from './snapshot.js';
import { startTimer } from './timer.js';

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
export class SummaryChild extends Series {
  private readonly ring: QuantileSketch[];
  private head = 0;
  private rotateAt: number;
  sum = 0;
  count = 0;

  constructor(
    table: SeriesTable<Series>,
    private readonly window: Window,
    labelValues: readonly string[],
    labelText: string,
    createdAt: number,
  ) {
    super(table, labelValues, labelText, createdAt);
    this.ring = Array.from({ length: window.ageBuckets }, () => new QuantileSketch(window.alpha));
    this.rotateAt = window.now() + window.bucketMs;
  }

  observe(v: number): void {
    if (typeof v !== 'number' || Number.isNaN(v))
      throw new InvalidValueError(this.table.metric, v, 'observe a number (NaN is refused)');
    let s: SummaryChild = this;
    if (s.state !== ACTIVE) s = s.revive();
    s.rotate();
    s.ring[s.head]!.add(v);
    s.sum += v;
    s.count++;
  }

  startTimer(): () => number {
    return startTimer((seconds) => this.observe(seconds));
  }

  /** The merged sketch of the current window. */
  windowSketch(): QuantileSketch {
    this.rotate();
    const merged = new QuantileSketch(this.window.alpha);
    for (const s of this.ring) merged.merge(s);
    return merged;
  }

  private rotate(): void {
    const now = this.window.now();
    if (now < this.rotateAt) {
      // A wall clock set back past the current bucket's start: restart the bucket now, or nothing would
      // leave the window until the clock caught up again.
      if (now < this.rotateAt - this.window.bucketMs) this.rotateAt = now + this.window.bucketMs;
      return;
    }
    const steps = Math.min(this.ring.length, Math.floor((now - this.rotateAt) / this.window.bucketMs) + 1);
    for (let i = 0; i < steps; i++) {
      this.head = (this.head + 1) % this.ring.length;
      this.ring[this.head]!.clear();
    }
    this.rotateAt += Math.floor((now - this.rotateAt) / this.window.bucketMs + 1) * this.window.bucketMs;
  }

  reset(): void {
    for (const s of this.ring) s.clear();
    this.sum = 0;
    this.count = 0;
  }
}

/** Quantiles over a sliding window, in bounded memory, mergeable across processes. */
export class Summary<L extends string = never> extends ObservingMetric<SummaryChild, L> {
  readonly type = 'summary' as const;
  readonly percentiles: readonly number[];

  constructor(options: SummaryOptions<L>) {
    const { percentiles, maxAgeSeconds, ageBuckets, accuracy } = resolveSummaryOptions(options);
    // The window reads the clock the metric reads (its `now` option, checked by the base class).
    const now = typeof options.now === 'function' ? options.now : Date.now;
    const window: Window = { ageBuckets, bucketMs: (maxAgeSeconds * 1000) / ageBuckets, alpha: accuracy, now };
    super(options, (table) => (v, t, c) => new SummaryChild(table, window, v, t, c));
    this.percentiles = percentiles;
  }

  protected writeSeries(out: string[], s: SummaryChild, fmt: Format): void {
    writeSummary(out, this.name, this.percentiles, s.labelText, s.windowSketch(), s.sum, s.count, s.createdAt, fmt);
  }

  protected resetSeries(s: SummaryChild): void {
    s.reset();
  }

  protected snapshotSeries(s: SummaryChild): SeriesSnapshot {
    return {
      labels: s.labelValues,
      created: s.createdAt,
      sum: s.sum,
      count: s.count,
      sketch: s.windowSketch().snapshot(),
    };
  }

  protected override snapshotMeta() {
    return { quantiles: this.percentiles };
  }
}

export function writeSummary(
  out: string[],
  name: string,
  quantiles: readonly number[],
  labelText: string,
  sketch: QuantileSketch,
  sum: number,
  count: number,
  created: number,
  fmt: Format,
): void {
  const pre = labelText === '' ? `${name}{quantile="` : `${name}{${labelText},quantile="`;
  for (const q of quantiles)
    out.push(`${pre}${formatBound(q, fmt.openMetrics)}"} ${formatValue(sketch.quantile(q))}\n`);
  const l = braces(labelText);
  out.push(`${name}_sum${l} ${formatValue(sum)}\n${name}_count${l} ${count}\n`);
  if (fmt.openMetrics) out.push(`${name}_created${l} ${created / 1000}\n`);
}
