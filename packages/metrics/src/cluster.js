// Aggregation across node:cluster workers and worker threads. The primary (or
// the thread that serves /metrics) asks every peer for `registry.snapshot()`
// over the channel it already has with it (cluster IPC, a Worker, a
// MessagePort), merges the answers and formats them like a local registry.
import cluster from 'node:cluster';
import { formatSnapshots, mergeSnapshots } from './aggregate.js';
import { AggregationError } from './errors.js';
import { resolveAggregateOptions } from './options.js';
import { defaultRegistry } from './registry.js';
const REQUEST = 'perf:metrics:request';
const RESPONSE = 'perf:metrics:response';
function post(peer, message) {
    if (peer.postMessage)
        peer.postMessage(message);
    else
        peer.send?.(message);
}
function isRequest(m) {
    return typeof m === 'object' && m !== null && m.type === REQUEST;
}
/**
 * In a worker: answers metric requests coming over `peer` (default: the cluster
 * IPC channel of this process) with this registry's snapshot. Returns a function that stops answering.
 */
export function answerMetricRequests(registry = defaultRegistry, peer) {
    const channel = peer ?? process;
    const listener = (m) => {
        if (!isRequest(m))
            return;
        registry.snapshot().then((snapshot) => post(channel, { type: RESPONSE, id: m.id, snapshot }), (err) => post(channel, { type: RESPONSE, id: m.id, error: String(err) }));
    };
    channel.on('message', listener);
    return () => channel.off('message', listener);
}
let nextId = 1;
function ask(peer, timeoutMs) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            peer.off('message', listener);
            reject(new AggregationError(`a worker did not answer the metrics request within ${timeoutMs} ms: is answerMetricRequests() called in every worker?`));
        }, timeoutMs);
        timer.unref();
        const listener = (m) => {
            const r = m;
            if (typeof r !== 'object' || r === null || r.type !== RESPONSE || r.id !== id)
                return;
            clearTimeout(timer);
            peer.off('message', listener);
            if (r.snapshot)
                resolve(r.snapshot);
            else
                reject(new AggregationError(`a worker failed to collect its metrics: ${r.error}`));
        };
        peer.on('message', listener);
        post(peer, { type: REQUEST, id });
    });
}
/** Asks every peer for its metrics and returns the merged exposition. Bad options reject before any peer is asked. */
export async function aggregateMetrics(peers, options = {}) {
    const { timeoutMs, local, format } = resolveAggregateOptions(options);
    const answers = await Promise.all([...peers].map((p) => ask(p, timeoutMs)));
    if (local)
        answers.push(await local.snapshot());
    return formatSnapshots(mergeSnapshots(answers), format);
}
/** In the cluster primary: the merged metrics of every live worker (each must call `answerMetricRequests()`). */
export function clusterMetrics(options = {}) {
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
    return aggregateMetrics(workers, options);
}
//# sourceMappingURL=cluster.js.map