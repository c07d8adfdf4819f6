export { formatSnapshots, mergeSnapshots } from './aggregate.js';
export { countChannel, observeChannel } from './bridge.js';
export { exponentialBuckets, linearBuckets } from './buckets.js';
export type { MetricsChannelMessages, OverflowMessage, ScrapeMessage } from './channels.js';
export { channelNames } from './channels.js';
export type { MetricsPeer } from './cluster.js';
export { aggregateMetrics, answerMetricRequests, clusterMetrics } from './cluster.js';
export { Counter, CounterChild } from './counter.js';
export { collectDefaultMetrics } from './defaults.js';
export type { MetricsErrorCode } from './errors.js';
export {
  AggregationError,
  DuplicateMetricError,
  InvalidNameError,
  InvalidOptionError,
  InvalidValueError,
  LabelMismatchError,
  MetricsError,
} from './errors.js';
export { Gauge, GaugeChild } from './gauge.js';
export { Histogram, HistogramChild } from './histogram.js';
export type { FastifyInstanceLike, FastifyReplyLike } from './http.js';
export { fastifyMetrics, metricsHandler } from './http.js';
export type { MetricStats, MetricType } from './metric.js';
export type {
  AggregateOptions,
  CounterOptions,
  DefaultMetricsOptions,
  FastifyMetricsOptions,
  GaugeOptions,
  HistogramOptions,
  MetricOptions,
  RegistryOptions,
  SummaryOptions,
} from './options.js';
export { DEFAULT_BUCKETS } from './options.js';
export type { Collectable, ExpositionFormat, RegistryStats } from './registry.js';
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
export { Summary, SummaryChild } from './summary.js';
