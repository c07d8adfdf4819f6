// Holds the metrics of a process and writes their exposition, in the Prometheus
// text format 0.0.4 or OpenMetrics 1.0, chosen from the scraper's Accept header.
import { DuplicateMetricError } from './errors.js';
import type { Format } from './metric.js';
import type { MetricSnapshot } from './snapshot.js';

/** What the registry needs of a metric (every metric class of this package is one). */
export interface Collectable {
  readonly name: string;
  collect(): void | Promise<void>;
  /** Appends the exposition to `out`, yielding whenever `budget.left` series have been written. */
  write(out: string[], fmt: Format, budget: SliceBudget): Generator<void, void, void>;
  snapshot(): MetricSnapshot;
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
  private readonly metricsByName = new Map<string, Collectable>();

  /** Adds a metric; metric constructors call this for you (option `registry`). */
  register(metric: Collectable): void {
    if (this.metricsByName.has(metric.name)) throw new DuplicateMetricError(metric.name);
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
  async metrics(format: ExpositionFormat = 'prometheus'): Promise<string> {
    await this.collect();
    const fmt: Format = { openMetrics: format === 'openmetrics' };
    return writeAll(this.metricsByName.values(), fmt);
  }

  /** Plain data of every metric, for aggregation across processes (cluster, worker threads). */
  async snapshot(): Promise<MetricSnapshot[]> {
    await this.collect();
    return [...this.metricsByName.values()].map((m) => m.snapshot());
  }
}

/** Writes metrics one after another, yielding to the event loop between slices of series. */
export async function writeAll(metrics: Iterable<Pick<Collectable, 'write'>>, fmt: Format): Promise<string> {
  const out: string[] = [];
  const budget: SliceBudget = { left: SERIES_PER_SLICE };
  for (const m of metrics) {
    for (const _ of m.write(out, fmt, budget)) {
      budget.left = SERIES_PER_SLICE;
      await yieldToLoop();
    }
  }
  if (fmt.openMetrics) out.push('# EOF\n');
  return out.join('');
}

/** The registry metrics join unless given another (or `null`). */
export const defaultRegistry = new Registry();
