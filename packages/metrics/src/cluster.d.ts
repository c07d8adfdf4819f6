import { type AggregateOptions } from './options.js';
import { type Registry } from './registry.js';
/** A peer that answers metric requests: a cluster `Worker`, a `worker_threads.Worker` or a `MessagePort`. */
export interface MetricsPeer {
    on(event: 'message', listener: (message: unknown) => void): unknown;
    off(event: 'message', listener: (message: unknown) => void): unknown;
    send?(message: unknown): unknown;
    postMessage?(message: unknown): unknown;
}
/**
 * In a worker: answers metric requests coming over `peer` (default: the cluster
 * IPC channel of this process) with this registry's snapshot. Returns a function that stops answering.
 */
export declare function answerMetricRequests(registry?: Registry, peer?: MetricsPeer): () => void;
/** Asks every peer for its metrics and returns the merged exposition. Bad options reject before any peer is asked. */
export declare function aggregateMetrics(peers: Iterable<MetricsPeer>, options?: AggregateOptions): Promise<string>;
/** In the cluster primary: the merged metrics of every live worker (each must call `answerMetricRequests()`). */
export declare function clusterMetrics(options?: AggregateOptions): Promise<string>;
