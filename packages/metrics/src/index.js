export { formatSnapshots, mergeSnapshots } from './aggregate.js';
export { countChannel, observeChannel } from './bridge.js';
export { exponentialBuckets, linearBuckets } from './buckets.js';
export { channelNames } from './channels.js';
export { aggregateMetrics, answerMetricRequests, clusterMetrics } from './cluster.js';
export { Counter, CounterChild } from './counter.js';
export { collectDefaultMetrics } from './defaults.js';
export { AggregationError, DuplicateMetricError, InvalidNameError, InvalidOptionError, InvalidValueError, LabelMismatchError, MetricsError, } from './errors.js';
export { Gauge, GaugeChild } from './gauge.js';
export { Histogram, HistogramChild } from './histogram.js';
export { fastifyMetrics, metricsHandler } from './http.js';
export { DEFAULT_BUCKETS } from './options.js';
export { contentType, defaultRegistry, negotiate, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, Registry, } from './registry.js';
export { OVERFLOW_VALUE } from './series.js';
export { Summary, SummaryChild } from './summary.js';
//# sourceMappingURL=index.js.map