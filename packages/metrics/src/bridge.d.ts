import type { Counter } from './counter.js';
import type { Histogram } from './histogram.js';
import type { LabelValues } from './series.js';
/** Counts every message published on `channel`, optionally labelled from the message. */
export declare function countChannel<L extends string = never>(channel: string, counter: Counter<L>, labelsOf?: (message: unknown) => LabelValues<L>): () => void;
/** Observes a number taken from each message on `channel` (skipped when `valueFrom` returns undefined). */
export declare function observeChannel<L extends string = never>(channel: string, histogram: Histogram<L>, valueFrom: (message: unknown) => number | undefined, labelsOf?: (message: unknown) => LabelValues<L>): () => void;
