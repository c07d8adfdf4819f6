export { formatSnapshots, mergeSnapshots } from './aggregate.js';
export { countChannel, observeChannel } from './bridge.js';
export { DEFAULT_BUCKETS, exponentialBuckets, linearBuckets } from './buckets.js';
export type { AggregateOptions, MetricsPeer } from './cluster.js';
export { AggregationError, aggregateMetrics, answerMetricRequests, clusterMetrics } from './cluster.js';
export type { CounterOptions } from './counter.js';
export { Counter, CounterChild } from './counter.js';
export type { DefaultMetricsOptions } from './defaults.js';
export { collectDefaultMetrics } from './defaults.js';
export {
  DuplicateMetricError,
  InvalidNameError,
  InvalidOptionError,
  InvalidValueError,
  LabelMismatchError,
  MetricsError,
} from './errors.js';
export type { GaugeOptions } from './gauge.js';
export { Gauge, GaugeChild } from './gauge.js';
export type { HistogramOptions } from './histogram.js';
export { Histogram, HistogramChild } from './histogram.js';
export type { FastifyInstanceLike, FastifyMetricsOptions, FastifyReplyLike } from './http.js';
export { fastifyMetrics, metricsHandler } from './http.js';
export type { MetricOptions, MetricType } from './metric.js';
export type { Collectable, ExpositionFormat } from './registry.js';
export {
  contentType,
  defaultRegistry,
  negotiate,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  Registry,
} from './registry.js';
export type { LabelValues } from './series.js';
export { OVERFLOW_VALUE } from './series.js';
export type { SketchSnapshot } from './sketch.js';
export type { GaugeAggregation, MetricSnapshot, SeriesSnapshot } from './snapshot.js';
export type { SummaryOptions } from './summary.js';
export { Summary, SummaryChild } from './summary.js';
