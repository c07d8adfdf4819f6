// Holds the metrics of a process and writes their exposition, in the Prometheus
// text format 0.0.4 or OpenMetrics 1.0, chosen from the scraper's Accept header.
import { scrapeChannel } from './channels.js';
import { DuplicateMetricError } from './errors.js';
import { resolveFormat, resolveRegistryOptions } from './options.js';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
/** The format a scraper asked for: OpenMetrics when its Accept header names it, else the 0.0.4 text format. */
export function negotiate(accept) {
    return accept?.includes('application/openmetrics-text') ? 'openmetrics' : 'prometheus';
}
export function contentType(format) {
    return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}
/**
 * Series written between two yields to the event loop during a scrape. A
 * series costs well under a microsecond to write, so a slice of 2,000 keeps
 * each blocking stretch around a millisecond even for 100,000 series.
 */
const SERIES_PER_SLICE = 2_000;
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
export class Registry {
    /** The `name` option: in `stats()`, diagnostics messages and errors. */
    name;
    now;
    metricsByName = new Map();
    scrapes = 0;
    failures = 0;
    constructor(options) {
        const resolved = resolveRegistryOptions(options);
        this.name = resolved.name;
        this.now = resolved.now;
    }
    /** Adds a metric; metric constructors call this for you (option `registry`). */
    register(metric) {
        if (this.metricsByName.has(metric.name))
            throw new DuplicateMetricError(metric.name, this.name);
        this.metricsByName.set(metric.name, metric);
    }
    get(name) {
        return this.metricsByName.get(name);
    }
    /** Unregisters one metric. */
    remove(name) {
        return this.metricsByName.delete(name);
    }
    /** Unregisters every metric. */
    clear() {
        this.metricsByName.clear();
    }
    /** Runs every metric's collect callback (awaiting async ones together). */
    async collect() {
        const pending = [];
        for (const m of this.metricsByName.values()) {
            const r = m.collect();
            if (r)
                pending.push(r);
        }
        if (pending.length > 0)
            await Promise.all(pending);
    }
    /**
     * The exposition of every metric. Runs the collect callbacks first, and yields
     * to the event loop every few thousand series so that a large scrape never
     * blocks the process for long.
     */
    async metrics(format) {
        const resolved = resolveFormat('format', format);
        const { text } = await this.scrape(resolved, async () => {
            await this.collect();
            return writeAll(this.metricsByName.values(), { openMetrics: resolved === 'openmetrics' });
        });
        return text;
    }
    /** Plain data of every metric, for aggregation across processes (cluster, worker threads). */
    async snapshot() {
        const { snapshots } = await this.scrape('snapshot', async () => {
            await this.collect();
            const snapshots = [...this.metricsByName.values()].map((m) => m.snapshot());
            return { snapshots, series: snapshots.reduce((n, m) => n + m.series.length, 0) };
        });
        return snapshots;
    }
    /** Counters: a fresh plain object at each call. */
    stats() {
        let series = 0;
        let overflowed = 0;
        for (const m of this.metricsByName.values()) {
            const s = m.stats?.();
            if (s === undefined)
                continue;
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
    async scrape(format, run) {
        // The clock is read only when someone listens, and only a scrape timed from its start is published.
        const start = scrapeChannel.hasSubscribers ? this.now() : undefined;
        const publish = (series, error) => {
            if (start === undefined || !scrapeChannel.hasSubscribers)
                return;
            const message = {
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
        }
        catch (error) {
            this.failures++;
            publish(0, { error });
            throw error;
        }
    }
}
/** Writes metrics one after another, yielding to the event loop between slices of series. */
export async function writeAll(metrics, fmt) {
    const out = [];
    const budget = { left: SERIES_PER_SLICE };
    let slices = 0;
    for (const m of metrics) {
        for (const _ of m.write(out, fmt, budget)) {
            budget.left = SERIES_PER_SLICE;
            slices++;
            await yieldToLoop();
        }
    }
    if (fmt.openMetrics)
        out.push('# EOF\n');
    // Each slice wrote SERIES_PER_SLICE series (a write yields when the budget reaches 0), the last one the rest.
    return { text: out.join(''), series: slices * SERIES_PER_SLICE + SERIES_PER_SLICE - budget.left };
}
/** The registry metrics join unless given another (or `null`); its `name` is `default`. */
export const defaultRegistry = new Registry({ name: 'default' });
//# sourceMappingURL=registry.js.map