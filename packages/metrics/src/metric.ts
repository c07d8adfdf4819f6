// What every metric type shares: its name and help, its label table, its
// registration, the collect callback run at scrape time and the exposition
// header. The types (counter.ts, gauge.ts, ...) add their values and sample lines.
import { type OverflowMessage, overflowChannel } from './channels.js';
import { LabelMismatchError } from './errors.js';
import { escapeHelp } from './names.js';
import { type MetricOptions, resolveMetricOptions } from './options.js';
import type { Registry, SliceBudget } from './registry.js';
import { defaultRegistry } from './registry.js';
import { type LabelValues, type Series, SeriesTable } from './series.js';
import type { MetricSnapshot, SeriesSnapshot } from './snapshot.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** What `metric.stats()` returns: a fresh object at each call. */
export interface MetricStats {
  /** The metric's `name`. */
  readonly name: string;
  /** Series held now (label sets, the `__overflow__` one included). */
  readonly series: number;
  /** The `maxSeries` cap. */
  readonly maxSeries: number;
  /** Label lookups past the cap that went to the `__overflow__` series (each `inc(labels)`, `labels()`...). */
  readonly overflowed: number;
}

/** Output format of an exposition. */
export interface Format {
  readonly openMetrics: boolean;
}

/** The first label set past a metric's cap: a one-time process warning, and the overflow channel. */
function reportOverflow(registry: Registry | null, message: Omit<OverflowMessage, 'registry'>): void {
  process.emitWarning(
    `@perf/metrics: ${message.name}: more than ${message.maxSeries} label sets; new ones are counted in the __overflow__ series. ` +
      'Remove unbounded values (ids, paths) from the labels or raise maxSeries.',
    { code: 'PERF_METRICS_CARDINALITY' },
  );
  if (overflowChannel.hasSubscribers) overflowChannel.publish({ ...message, registry: registry?.name });
}

export abstract class Metric<S extends Series, L extends string> {
  abstract readonly type: MetricType;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  protected readonly table: SeriesTable<S>;
  /** The one series of a metric without labels; undefined when labels are declared. */
  protected readonly unlabelled: S | undefined;
  private readonly collectFn: ((this: unknown, metric: unknown) => void | Promise<void>) | undefined;

  constructor(
    options: MetricOptions<L, never>,
    make: (table: SeriesTable<S>) => (v: readonly string[], t: string, c: number) => S,
  ) {
    const resolved = resolveMetricOptions(options, defaultRegistry);
    this.name = resolved.name;
    this.help = resolved.help;
    // Checked by the resolver, which made this copy of the declared names.
    this.labelNames = resolved.labelNames as readonly L[];
    this.collectFn = resolved.collect;
    const { registry } = resolved;
    const table: SeriesTable<S> = new SeriesTable<S>(
      {
        metric: resolved.name,
        labelNames: resolved.labelNames,
        maxSeries: resolved.maxSeries,
        seriesTtlMs: resolved.seriesTtlMs,
        now: resolved.now,
        onOverflow: (message) => reportOverflow(registry, message),
      },
      (v, t, c) => make(table)(v, t, c),
    );
    this.table = table;
    this.unlabelled = this.labelNames.length === 0 ? table.single() : undefined;
    registry?.register(this);
  }

  /** Counters of this metric: a fresh plain object at each call. */
  stats(): MetricStats {
    return {
      name: this.name,
      series: this.table.all.size,
      maxSeries: this.table.maxSeries,
      overflowed: this.table.overflowed,
    };
  }

  /** The series of a metric without labels; throws if the metric declared labels. */
  protected noLabels(): S {
    if (this.unlabelled) return this.unlabelled;
    throw new LabelMismatchError(this.name, this.labelNames, 'no labels were given');
  }

  /** Removes the series of this label set. A handle bound to it re-registers it on its next update. */
  remove(labels: LabelValues<L>): boolean {
    return this.table.remove(labels);
  }

  /** Removes every series (a metric without labels keeps its one series, reset to zero). */
  reset(): void {
    // Zero every series before dropping it: a bound handle re-attaches its own series on its next update.
    for (const s of this.table.all) this.resetSeries(s);
    this.table.clear();
    if (this.unlabelled) this.table.reattach(this.unlabelled);
  }

  /** Runs the collect callback and expires idle series. Called by the registry at scrape time. */
  collect(): void | Promise<void> {
    this.table.sweep();
    return this.collectFn?.call(this, this);
  }

  /** Appends the exposition of this metric to `out`, yielding whenever `budget.left` series have been written. */
  *write(out: string[], fmt: Format, budget: SliceBudget): Generator<void, void, void> {
    writeHeader(out, this.type, this.name, this.help, fmt);
    for (const s of this.table.all) {
      this.writeSeries(out, s, fmt);
      if (--budget.left <= 0) yield;
    }
  }

  /** Plain data for aggregation across processes (see `mergeSnapshots`). */
  snapshot(): MetricSnapshot {
    const series: SeriesSnapshot[] = [];
    for (const s of this.table.all) series.push(this.snapshotSeries(s));
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      labelNames: this.labelNames,
      ...this.snapshotMeta(),
      series,
    };
  }

  protected abstract writeSeries(out: string[], s: S, fmt: Format): void;
  protected abstract resetSeries(s: S): void;
  protected abstract snapshotSeries(s: S): SeriesSnapshot;
  protected snapshotMeta(): Partial<MetricSnapshot> {
    return {};
  }
}

/** `_total` is part of a counter's sample name; OpenMetrics names the family without it. */
export function familyName(type: MetricType, name: string, fmt: Format): string {
  return fmt.openMetrics && type === 'counter' && name.endsWith('_total') ? name.slice(0, -6) : name;
}

export function writeHeader(out: string[], type: MetricType, name: string, help: string, fmt: Format): void {
  const family = familyName(type, name, fmt);
  out.push(`# HELP ${family} ${escapeHelp(help, fmt.openMetrics)}\n# TYPE ${family} ${type}\n`);
}

/** `{a="x",b="y"}`, or nothing for a series without labels. */
export function braces(labelText: string): string {
  return labelText === '' ? '' : `{${labelText}}`;
}
