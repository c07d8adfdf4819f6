// Turning the diagnostics_channel events that the other @perf packages publish
// (e.g. `perf:cache:miss`) into metrics, without those packages knowing this
// one exists. Each function returns the unsubscribe.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Counter } from './counter.js';
import type { Histogram } from './histogram.js';
import type { LabelValues } from './series.js';

/** Counts every message published on `channel`, optionally labelled from the message. */
export function countChannel<L extends string = never>(
  channel: string,
  counter: Counter<L>,
  labelsOf?: (message: unknown) => LabelValues<L>,
): () => void {
  const onMessage = labelsOf ? (message: unknown) => counter.inc(labelsOf(message)) : () => counter.inc();
  subscribe(channel, onMessage);
  return () => unsubscribe(channel, onMessage);
}

/** Observes a number taken from each message on `channel` (skipped when `valueFrom` returns undefined). */
export function observeChannel<L extends string = never>(
  channel: string,
  histogram: Histogram<L>,
  valueFrom: (message: unknown) => number | undefined,
  labelsOf?: (message: unknown) => LabelValues<L>,
): () => void {
  const onMessage = (message: unknown) => {
    const v = valueFrom(message);
    if (v === undefined) return;
    if (labelsOf) histogram.observe(labelsOf(message), v);
    else histogram.observe(v);
  };
  subscribe(channel, onMessage);
  return () => unsubscribe(channel, onMessage);
}
