// WORKERS=n: n processes of one app under node:cluster, sharing its port.
// The primary forks them, gives each a stable slot (so a replacement takes
// over the slot's spool), replaces one that dies, passes SIGTERM/SIGINT on and
// exits when all have drained. /metrics answered by any worker is the sum of
// all of them: the worker asks the primary, which gathers every worker's
// snapshot with @perf/metrics' clusterMetrics.
import cluster, { type Worker } from 'node:cluster';
import { clusterMetrics, type ExpositionFormat } from '@perf/metrics';

const METRICS_REQUEST = 'app-kit:metrics-request';
const METRICS_ANSWER = 'app-kit:metrics-answer';

interface MetricsRequest {
  readonly type: typeof METRICS_REQUEST;
  readonly id: number;
  readonly format: ExpositionFormat;
}
interface MetricsAnswer {
  readonly type: typeof METRICS_ANSWER;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

/** The slot of this worker process (1…n), or undefined outside a cluster. */
export function workerSlot(): number | undefined {
  return cluster.isWorker ? Number(process.env.APP_KIT_WORKER_SLOT) : undefined;
}

/** Most replacements of dead workers per minute before the primary gives up and exits 1. */
const MAX_RESTARTS_PER_MINUTE = 10;

/**
 * In the primary: forks `count` workers and supervises them until they all
 * exited after a signal; resolves with the exit code the primary should use.
 * `onAllListening` runs once every first worker of each slot listens.
 */
export function superviseWorkers(
  count: number,
  log: (line: string) => void,
  onAllListening: () => void = () => {},
): Promise<number> {
  const slots = new Map<Worker, number>();
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === count) onAllListening();
  });
  const restarts: number[] = [];
  let stopping = false;
  let code = 0;
  const fork = (slot: number) => slots.set(cluster.fork({ APP_KIT_WORKER_SLOT: String(slot) }), slot);
  for (let slot = 1; slot <= count; slot++) fork(slot);

  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.type !== METRICS_REQUEST) return;
    clusterMetrics({ format: message.format }).then(
      (text) => worker.send({ type: METRICS_ANSWER, id: message.id, text } satisfies MetricsAnswer),
      (err: unknown) =>
        worker.send({ type: METRICS_ANSWER, id: message.id, error: String(err) } satisfies MetricsAnswer),
    );
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`primary: ${signal}: stopping ${slots.size} workers (each drains)`);
    for (const worker of slots.keys()) worker.process.kill(signal);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  return new Promise((resolve) => {
    cluster.on('exit', (worker, exitCode, signal) => {
      const slot = slots.get(worker) as number;
      slots.delete(worker);
      if (!stopping) {
        const now = Date.now();
        restarts.push(now);
        while ((restarts[0] as number) < now - 60_000) restarts.shift();
        if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
          log(`primary: workers keep dying (${restarts.length} in a minute); stopping`);
          code = 1;
          stop('SIGTERM');
        } else {
          log(`primary: worker ${slot} died (${signal ?? `code ${exitCode}`}); starting a new one in its slot`);
          fork(slot);
          return;
        }
      }
      // A worker still starting when the stop signal came dies of it, having taken no request: that is a clean stop.
      const stoppedBySignal = signal === 'SIGTERM' || signal === 'SIGINT';
      if (exitCode !== 0 && !stoppedBySignal) code = 1;
      if (slots.size === 0) resolve(code);
    });
  });
}

let nextId = 1;

/** In a worker: the metrics of every worker of the cluster, merged by the primary. */
export function aggregatedMetrics(format: ExpositionFormat, timeoutMs = 5_000): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error(`the cluster primary did not answer the metrics request within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: MetricsAnswer) => {
      if (m?.type !== METRICS_ANSWER || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(`the cluster could not gather its metrics: ${m.error}`));
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQUEST, id, format } satisfies MetricsRequest);
  });
}
