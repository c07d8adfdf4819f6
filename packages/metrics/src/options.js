import { InvalidOptionError } from './errors.js';
import { validateLabelName, validateMetricName } from './names.js';
export const DEFAULT_MAX_SERIES = 10_000;
/** prom-client's default buckets (seconds), so existing dashboards keep working. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Checks that a metric's options are an object with a valid `name`, and returns the name: the metric
 * types call it before resolving their own options, whose paths start with it.
 */
export function resolveMetricName(options) {
    // Typed as an object, but JavaScript callers may pass anything.
    if (options === null || typeof options !== 'object') {
        throw new InvalidOptionError('options', 'an object with at least name and help', options);
    }
    validateMetricName(options.name);
    return options.name;
}
/** Checks the options every metric takes; `fallbackRegistry` is where it registers when given no `registry`. */
export function resolveMetricOptions(options, fallbackRegistry) {
    const name = resolveMetricName(options);
    const at = (option) => `${name}.${option}`;
    if (typeof options.help !== 'string' || options.help === '') {
        throw new InvalidOptionError(at('help'), 'a non-empty string saying what is measured', options.help);
    }
    const labelNames = options.labelNames ?? [];
    if (!Array.isArray(labelNames))
        throw new InvalidOptionError(at('labelNames'), 'an array of label names', labelNames);
    for (const label of labelNames)
        validateLabelName(label);
    if (new Set(labelNames).size !== labelNames.length) {
        throw new InvalidOptionError(at('labelNames'), 'distinct label names', labelNames);
    }
    const registry = options.registry === undefined ? fallbackRegistry : options.registry;
    if (registry !== null && typeof registry?.register !== 'function') {
        throw new InvalidOptionError(at('registry'), 'a Registry, or null for none', registry);
    }
    const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!Number.isInteger(maxSeries) || maxSeries < 1) {
        throw new InvalidOptionError(at('maxSeries'), 'an integer ≥ 1', maxSeries);
    }
    const { seriesTtlMs } = options;
    if (seriesTtlMs !== undefined && !(typeof seriesTtlMs === 'number' && seriesTtlMs > 0)) {
        throw new InvalidOptionError(at('seriesTtlMs'), 'a number of milliseconds > 0', seriesTtlMs);
    }
    // The callback is typed for the concrete metric class; the metric calls it with that very instance.
    const collect = options.collect;
    if (collect !== undefined && typeof collect !== 'function') {
        throw new InvalidOptionError(at('collect'), 'a function', collect);
    }
    return {
        name,
        help: options.help,
        // A copy, so a later change to the caller's array cannot reach the metric; not frozen: the hot path
        // reads it per labelled update, and a frozen array measured ~10 ns slower there (bench, counter inc(labels)).
        labelNames: [...labelNames],
        registry,
        maxSeries,
        seriesTtlMs,
        collect,
        now: resolveClock(at('now'), options.now, Date.now),
    };
}
const AGGREGATIONS = ['sum', 'min', 'max', 'average', 'first', 'omit'];
/** A gauge's `aggregate` option. */
export function resolveGaugeAggregate(metric, aggregate) {
    const rule = aggregate ?? 'sum';
    if (!AGGREGATIONS.includes(rule)) {
        throw new InvalidOptionError(`${metric}.aggregate`, `one of ${AGGREGATIONS.join(', ')}`, rule);
    }
    return rule;
}
/** Histogram bounds: finite, strictly increasing, at least one. +Inf is implied and dropped if given. */
export function resolveBuckets(option, buckets) {
    const given = buckets ?? DEFAULT_BUCKETS;
    if (!Array.isArray(given))
        throw new InvalidOptionError(option, 'an array of bucket bounds', given);
    const bounds = given.filter((b) => b !== Number.POSITIVE_INFINITY);
    if (bounds.length === 0)
        throw new InvalidOptionError(option, 'at least one finite bound', given);
    for (let i = 0; i < bounds.length; i++) {
        const b = bounds[i];
        if (typeof b !== 'number' || !Number.isFinite(b)) {
            throw new InvalidOptionError(option, 'finite numbers (+Inf is implied)', given);
        }
        if (i > 0 && b <= bounds[i - 1])
            throw new InvalidOptionError(option, 'strictly increasing bounds', given);
    }
    return bounds;
}
export function resolveSummaryOptions(options) {
    const name = resolveMetricName(options);
    const at = (option) => `${name}.${option}`;
    const percentiles = options.percentiles ?? [0.5, 0.9, 0.95, 0.99];
    if (!Array.isArray(percentiles) || !percentiles.every((q) => typeof q === 'number' && q >= 0 && q <= 1)) {
        throw new InvalidOptionError(at('percentiles'), 'an array of quantiles, each in [0, 1]', percentiles);
    }
    const maxAgeSeconds = options.maxAgeSeconds ?? 600;
    if (!(typeof maxAgeSeconds === 'number' && maxAgeSeconds > 0 && maxAgeSeconds < Number.POSITIVE_INFINITY)) {
        throw new InvalidOptionError(at('maxAgeSeconds'), 'a number of seconds > 0', maxAgeSeconds);
    }
    const ageBuckets = options.ageBuckets ?? 5;
    if (!Number.isInteger(ageBuckets) || ageBuckets < 1) {
        throw new InvalidOptionError(at('ageBuckets'), 'an integer ≥ 1', ageBuckets);
    }
    const accuracy = options.accuracy ?? 0.01;
    if (!(typeof accuracy === 'number' && accuracy > 0 && accuracy < 1)) {
        throw new InvalidOptionError(at('accuracy'), 'a number in (0, 1)', accuracy);
    }
    return { percentiles: [...percentiles], maxAgeSeconds, ageBuckets, accuracy };
}
export function resolveRegistryOptions(options) {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
        throw new InvalidOptionError('options', 'an object', options);
    }
    return {
        name: resolveName(options?.name, 'registry'),
        now: resolveClock('now', options?.now, () => performance.now()),
    };
}
export function resolveDefaultMetricsOptions(options, fallbackRegistry) {
    if (options === null || typeof options !== 'object')
        throw new InvalidOptionError('options', 'an object', options);
    const registry = options.registry ?? fallbackRegistry;
    if (typeof registry?.register !== 'function')
        throw new InvalidOptionError('registry', 'a Registry', registry);
    const prefix = options.prefix ?? '';
    if (typeof prefix !== 'string' || !/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/.test(prefix)) {
        throw new InvalidOptionError('prefix', 'letters, digits, _ and :, not starting with a digit', prefix);
    }
    const precision = options.eventLoopMonitoringPrecision ?? 10;
    if (!Number.isInteger(precision) || precision < 1) {
        throw new InvalidOptionError('eventLoopMonitoringPrecision', 'an integer number of milliseconds ≥ 1', precision);
    }
    return {
        registry,
        prefix,
        gcDurationBuckets: resolveBuckets('gcDurationBuckets', options.gcDurationBuckets ?? [0.001, 0.01, 0.1, 1, 2, 5]),
        eventLoopMonitoringPrecision: precision,
    };
}
export function resolveAggregateOptions(options) {
    if (options === null || typeof options !== 'object')
        throw new InvalidOptionError('options', 'an object', options);
    const timeoutMs = options.timeoutMs ?? 5_000;
    if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < Number.POSITIVE_INFINITY)) {
        throw new InvalidOptionError('timeoutMs', 'a number of milliseconds > 0', timeoutMs);
    }
    const { local } = options;
    if (local !== undefined && typeof local?.snapshot !== 'function') {
        throw new InvalidOptionError('local', 'a Registry', local);
    }
    return { format: resolveFormat('format', options.format), timeoutMs, local };
}
/** An exposition format: `prometheus` (text 0.0.4, the default) or `openmetrics`. */
export function resolveFormat(option, format) {
    if (format === undefined || format === 'prometheus' || format === 'openmetrics')
        return format ?? 'prometheus';
    throw new InvalidOptionError(option, '"prometheus" or "openmetrics"', format);
}
function resolveName(name, fallback) {
    if (name === undefined)
        return fallback;
    if (typeof name !== 'string' || name === '')
        throw new InvalidOptionError('name', 'a non-empty string', name);
    return name;
}
function resolveClock(option, now, fallback) {
    if (now === undefined)
        return fallback;
    if (typeof now !== 'function')
        throw new InvalidOptionError(option, 'a function returning milliseconds', now);
    return now;
}
//# sourceMappingURL=options.js.map