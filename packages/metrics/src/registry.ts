// Holds the metrics of a process and writes their exposition, in the Prometheus
// text format 0.0.4 or OpenMetrics 1.0, chosen from the scraper's Accept header.
import { type ScrapeMessage, scrapeChannel } from './channels.js';
import { DuplicateMetricError } from './errors.js';
import type { Format } from './metric.js';
import { type RegistryOptions, resolveFormat, resolveRegistryOptions } from './options.js';
import type { MetricSnapshot } from './snapshot.js';

/** What the registry needs of a metric (every metric class of this package is one). */
export interface Collectable {
  readonly name: string;
  collect(): void | Promise<void>;
  /** Appends the exposition to `out`, yielding whenever `budget.left` series have been written. */
  write(out: string[], fmt: Format, budget: SliceBudget): Generator<void, void, void>;
  snapshot(): MetricSnapshot;
  /** Counted in the registry's `stats()` when present. */
  stats?(): { readonly series: number; readonly overflowed: number };
}

/** What `registry.stats()` returns: a fresh object at each call. */
export interface RegistryStats {
  /** The registry's `name` option. */
  readonly name: string;
  /** Metrics registered now. */
  readonly metrics: number;
  /** Series held now, across every metric. */
  readonly series: number;
  /** Label lookups past a metric's `maxSeries` that went to its `__overflow__` series, across every metric. */
  readonly overflowed: number;
  /** `metrics()` and `snapshot()` calls that completed. */
  readonly scrapes: number;
  /** `metrics()` and `snapshot()` calls that failed (a `collect` callback threw or rejected). */
  readonly failures: number;
}

/** Series left to write before a scrape yields to the event loop. */
export interface SliceBudget {
  left: number;
}

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The format a scraper asked for: OpenMetrics when its Accept header names it, else the 0.0.4 text format. */
export function negotiate(accept: string | undefined): ExpositionFormat {
  return accept?.includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}

export function contentType(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}

/**
 * Series written between two yields to the event loop during a scrape. A
 * series costs well under a microsecond to write, so a slice of 2,000 keeps
 * each blocking stretch around a millisecond even for 100,000 series.
 */
const SERIES_PER_SLICE = 2_000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Registry {
  /** The `name` option: in `stats()`, diagnostics messages and errors. */
  readonly name: string;
  private readonly now: () => number;
  private readonly metricsByName = new Map<string, Collectable>();
  private scrapes = 0;
  private failures = 0;

  constructor(options?: RegistryOptions) {
    const resolved = resolveRegistryOptions(options);
    this.name = resolved.name;
    this.now = resolved.now;
  }

  /** Adds a metric; metric constructors call this for you (option `registry`). */
  register(metric: Collectable): void {
    if (this.metricsByName.has(metric.name)) throw new DuplicateMetricError(metric.name, this.name);
    this.metricsByName.set(metric.name, metric);
  }

  get(name: string): Collectable | undefined {
    return this.metricsByName.get(name);
  }

  /** Unregisters one metric. */
  remove(name: string): boolean {
    return this.metricsByName.delete(name);
  }

  /** Unregisters every metric. */
  clear(): void {
    this.metricsByName.clear();
  }

  /** Runs every metric's collect callback (awaiting async ones together). */
  async collect(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const m of this.metricsByName.values()) {
      const r = m.collect();
      if (r) pending.push(r);
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  /**
   * The exposition of every metric. Runs the collect callbacks first, and yields
   * to the event loop every few thousand series so that a large scrape never
   * blocks the process for long.
   */
  async metrics(format?: ExpositionFormat): Promise<string> {
    const resolved = resolveFormat('format', format);
    const { text } = await this.scrape(resolved, async () => {
      await this.collect();
      return writeAll(this.metricsByName.values(), { openMetrics: resolved === 'openmetrics' });
    });
    return text;
  }

  /** Plain data of every metric, for aggregation across processes (cluster, worker threads). */
  async snapshot(): Promise<MetricSnapshot[]> {
    const { snapshots } = await this.scrape('snapshot', async () => {
      await this.collect();
      const snapshots = [...this.metricsByName.values()].map((m) => m.snapshot());
      return { snapshots, series: snapshots.reduce((n, m) => n + m.series.length, 0) };
    });
    return snapshots;
  }

  /** Counters: a fresh plain object at each call. */
  stats(): RegistryStats {
    let series = 0;
    let overflowed = 0;
    for (const m of this.metricsByName.values()) {
      const s = m.stats?.();
      if (s === undefined) continue;
      series += s.series;
      overflowed += s.overflowed;
    }
    return {
      name: this.name,
      metrics: this.metricsByName.size,
      series,
      overflowed,
      scrapes: this.scrapes,
      failures: this.failures,
    };
  }

  /** Runs one scrape, counting it and publishing it on `perf:metrics:scrape` when someone listens. */
  private async scrape<T extends { readonly series: number }>(
    format: ScrapeMessage['format'],
    run: () => Promise<T>,
  ): Promise<T> {
    // The clock is read only when someone listens, and only a scrape timed from its start is published.
    const start = scrapeChannel.hasSubscribers ? this.now() : undefined;
    const publish = (series: number, error?: { error: unknown }) => {
      if (start === undefined || !scrapeChannel.hasSubscribers) return;
      const message: ScrapeMessage = {
        name: this.name,
        format,
        metrics: this.metricsByName.size,
        series,
        durationMs: this.now() - start,
        ...error,
      };
      scrapeChannel.publish(message);
    };
    try {
      const result = await run();
      this.scrapes++;
      publish(result.series);
      return result;
    } catch (error) {
      this.failures++;
      publish(0, { error });
      throw error;
    }
  }
}

/** Writes metrics one after another, yielding to the event loop between slices of series. */
export async function writeAll(
  metrics: Iterable<Pick<Collectable, 'write'>>,
  fmt: Format,
): Promise<{ readonly text: string; readonly series: number }> {
  const out: string[] = [];
  const budget: SliceBudget = { left: SERIES_PER_SLICE };
  let slices = 0;
  for (const m of metrics) {
    for (const _ of m.write(out, fmt, budget)) {
      budget.left = SERIES_PER_SLICE;
      slices++;
      await yieldToLoop();
    }
  }
  if (fmt.openMetrics) out.push('# EOF\n');
  // Each slice wrote SERIES_PER_SLICE series (a write yields when the budget reaches 0), the last one the rest.
  return { text: out.join(''), series: slices * SERIES_PER_SLICE + SERIES_PER_SLICE - budget.left };
}

/** The registry metrics join unless given another (or `null`); its `name` is `default`. */
export const defaultRegistry = new Registry({ name: 'default' });
