// What every metric type shares: its name and help, its label table, its
// registration, the collect callback run at scrape time and the exposition
// header. The types (counter.ts, gauge.ts, ...) add their values and sample lines.
import { InvalidOptionError, LabelMismatchError } from './errors.js';
import { escapeHelp, validateMetricName } from './names.js';
import type { Registry, SliceBudget } from './registry.js';
import { defaultRegistry } from './registry.js';
import { type LabelValues, type Series, SeriesTable } from './series.js';
import type { MetricSnapshot, SeriesSnapshot } from './snapshot.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Options every metric takes. */
/** Options every metric takes; `M` is the metric's own type, given to `collect`. */
export interface MetricOptions<L extends string, M = unknown> {
  /** Metric name: letters, digits, `_` and `:`, not starting with a digit. Counters conventionally end in `_total`. */
  readonly name: string;
  /** One line saying what the metric measures (the `# HELP` line). */
  readonly help: string;
  /** Label names, declared once; every update passes exactly these. Default: none. */
  readonly labelNames?: readonly L[];
  /** Registry to register in; `null` for none. Default: {@link defaultRegistry}. */
  readonly registry?: Registry | null;
  /**
   * Cardinality cap: at most this many label sets. Past it, new label sets are
   * folded into one series whose every label is `__overflow__`, and a warning
   * (code `PERF_METRICS_CARDINALITY`) is emitted once. Default: 10,000.
   */
  readonly maxSeries?: number;
  /** Remove a series not updated for this long (checked at scrape time). Default: never. */
  readonly seriesTtlMs?: number;
  /** Called at every scrape before the values are read, e.g. to set a gauge from another object's `stats()`. */
  readonly collect?: (this: M, metric: M) => void | Promise<void>;
  /** Wall clock in ms since the epoch, for `_created`, `seriesTtlMs` and the summary window. Default: `Date.now`. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_SERIES = 10_000;

/** Output format of an exposition. */
export interface Format {
  readonly openMetrics: boolean;
}

function warnOverflow(metric: string, cap: number): void {
  process.emitWarning(
    `${metric}: more than ${cap} label sets; new ones are counted in the __overflow__ series. ` +
      'Remove unbounded values (ids, paths) from the labels or raise maxSeries.',
    { code: 'PERF_METRICS_CARDINALITY' },
  );
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
    if (options === null || typeof options !== 'object') {
      throw new InvalidOptionError('metric', 'options', 'must be an object with at least name and help');
    }
    validateMetricName(options.name);
    if (typeof options.help !== 'string' || options.help === '') {
      throw new InvalidOptionError(options.name, 'help', 'must be a non-empty string saying what is measured');
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    // The callback is typed for the concrete metric class; here it is called with that very instance.
    this.collectFn = options.collect as ((this: unknown, metric: unknown) => void | Promise<void>) | undefined;
    const table: SeriesTable<S> = new SeriesTable<S>(
      {
        metric: options.name,
        labelNames: this.labelNames,
        maxSeries: options.maxSeries ?? DEFAULT_MAX_SERIES,
        seriesTtlMs: options.seriesTtlMs,
        now: options.now ?? Date.now,
        onOverflow: warnOverflow,
      },
      (v, t, c) => make(table)(v, t, c),
    );
    this.table = table;
    this.unlabelled = this.labelNames.length === 0 ? table.single() : undefined;
    const registry = options.registry === undefined ? defaultRegistry : options.registry;
    registry?.register(this);
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
