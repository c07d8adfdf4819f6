// Aggregation across node:cluster workers and worker threads. The primary (or
// the thread that serves /metrics) asks every peer for `registry.snapshot()`
// over the channel it already has with it (cluster IPC, a Worker, a
// MessagePort), merges the answers and formats them like a local registry.
import cluster from 'node:cluster';
import { formatSnapshots, mergeSnapshots } from './aggregate.js';
import { AggregationError } from './errors.js';
import { type AggregateOptions, resolveAggregateOptions } from './options.js';
import { defaultRegistry, type Registry } from './registry.js';
import type { MetricSnapshot } from './snapshot.js';

const REQUEST = 'perf:metrics:request';
const RESPONSE = 'perf:metrics:response';

interface Request {
  readonly type: typeof REQUEST;
  readonly id: number;
}
interface Response {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly snapshot?: MetricSnapshot[];
  readonly error?: string;
}

/** A peer that answers metric requests: a cluster `Worker`, a `worker_threads.Worker` or a `MessagePort`. */
export interface MetricsPeer {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  send?(message: unknown): unknown;
  postMessage?(message: unknown): unknown;
}

function post(peer: MetricsPeer, message: unknown): void {
  if (peer.postMessage) peer.postMessage(message);
  else peer.send?.(message);
}

function isRequest(m: unknown): m is Request {
  return typeof m === 'object' && m !== null && (m as Request).type === REQUEST;
}

/**
 * In a worker: answers metric requests coming over `peer` (default: the cluster
 * IPC channel of this process) with this registry's snapshot. Returns a function that stops answering.
 */
export function answerMetricRequests(registry: Registry = defaultRegistry, peer?: MetricsPeer): () => void {
  const channel: MetricsPeer = peer ?? (process as unknown as MetricsPeer);
  const listener = (m: unknown) => {
    if (!isRequest(m)) return;
    registry.snapshot().then(
      (snapshot) => post(channel, { type: RESPONSE, id: m.id, snapshot } satisfies Response),
      (err: unknown) => post(channel, { type: RESPONSE, id: m.id, error: String(err) } satisfies Response),
    );
  };
  channel.on('message', listener);
  return () => channel.off('message', listener);
}

let nextId = 1;

function ask(peer: MetricsPeer, timeoutMs: number): Promise<MetricSnapshot[]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      peer.off('message', listener);
      reject(
        new AggregationError(
          `a worker did not answer the metrics request within ${timeoutMs} ms: is answerMetricRequests() called in every worker?`,
        ),
      );
    }, timeoutMs);
    timer.unref();
    const listener = (m: unknown) => {
      const r = m as Response;
      if (typeof r !== 'object' || r === null || r.type !== RESPONSE || r.id !== id) return;
      clearTimeout(timer);
      peer.off('message', listener);
      if (r.snapshot) resolve(r.snapshot);
      else reject(new AggregationError(`a worker failed to collect its metrics: ${r.error}`));
    };
    peer.on('message', listener);
    post(peer, { type: REQUEST, id } satisfies Request);
  });
}

/** Asks every peer for its metrics and returns the merged exposition. Bad options reject before any peer is asked. */
export async function aggregateMetrics(peers: Iterable<MetricsPeer>, options: AggregateOptions = {}): Promise<string> {
  const { timeoutMs, local, format } = resolveAggregateOptions(options);
  const answers = await Promise.all([...peers].map((p) => ask(p, timeoutMs)));
  if (local) answers.push(await local.snapshot());
  return formatSnapshots(mergeSnapshots(answers), format);
}

/** In the cluster primary: the merged metrics of every live worker (each must call `answerMetricRequests()`). */
export function clusterMetrics(options: AggregateOptions = {}): Promise<string> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
  return aggregateMetrics(workers as unknown as MetricsPeer[], options);
}
