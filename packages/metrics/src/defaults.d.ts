import { type DefaultMetricsOptions } from './options.js';
/** Registers the default process metrics. Returns a function that stops the monitors they use. */
export declare function collectDefaultMetrics(options?: DefaultMetricsOptions): () => void;
