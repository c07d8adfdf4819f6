// The diagnostics_channel events this package publishes. Publishers check
// `hasSubscribers` first, so nobody listening costs one boolean read per event;
// neither event is on the hot path of an update (an overflow is published once
// per metric, a scrape once per scrape).
import { channel } from 'node:diagnostics_channel';
import type { ExpositionFormat } from './registry.js';

/** Channel name of each event, `perf:metrics:<event>`. */
export const channelNames = {
  overflow: 'perf:metrics:overflow',
  scrape: 'perf:metrics:scrape',
} as const;

/**
 * A metric passed its `maxSeries` cap: from this label set on, every new label
 * set is counted in the `__overflow__` series. Published once per metric, with
 * the process warning `PERF_METRICS_CARDINALITY`.
 */
export interface OverflowMessage {
  /** The metric's `name`. */
  readonly name: string;
  /** `name` of the registry the metric was created in; undefined for `registry: null`. */
  readonly registry: string | undefined;
  /** The cap that was reached. */
  readonly maxSeries: number;
  /** The first label set that did not fit, by label name. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A registry wrote an exposition (`metrics()`) or a snapshot for aggregation (`snapshot()`), or failed to. */
export interface ScrapeMessage {
  /** The registry's `name`. */
  readonly name: string;
  /** What was produced: an exposition format, or `snapshot` for aggregation across processes. */
  readonly format: ExpositionFormat | 'snapshot';
  /** Metrics written. */
  readonly metrics: number;
  /** Series written (0 when the scrape failed). */
  readonly series: number;
  /** From the start of the collect callbacks to the last line written, in ms (the registry's `now`). */
  readonly durationMs: number;
  /** Why the scrape failed (a `collect` callback threw or rejected); absent when it succeeded. */
  readonly error?: unknown;
}

/** The message type of each event in {@link channelNames}. */
export interface MetricsChannelMessages {
  readonly overflow: OverflowMessage;
  readonly scrape: ScrapeMessage;
}

export const overflowChannel = channel(channelNames.overflow);
export const scrapeChannel = channel(channelNames.scrape);
