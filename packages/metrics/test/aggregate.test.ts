import cluster from 'node:cluster';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  aggregateMetrics,
  answerMetricRequests,
  Counter,
  clusterMetrics,
  formatSnapshots,
  Gauge,
  mergeSnapshots,
  Registry,
} from '../src/index.js';
import { parsePrometheusText } from './parsePrometheusText.js';

const fixture = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const tsx = ['--import', 'tsx'];

function checkMerged(text: string): void {
  const families = new Map(parsePrometheusText(text).map((f) => [f.name, f]));
  expect(families.get('jobs_total')!.metrics).toEqual([{ value: '3', labels: { kind: 'a' } }]); // 1 + 2
  expect(families.get('heap_max')!.metrics).toEqual([{ value: '10' }]); // max(0, 10)
  expect(families.get('inflight')!.metrics).toEqual([{ value: '3' }]); // 1 + 2
  expect(families.get('lat_seconds')!.metrics[0]!.buckets).toEqual({ '1': '1', '10': '2', '+Inf': '2' });
  // Sketches merge exactly: the median of 1..200 is 100, within 1%.
  const median = Number(families.get('sz')!.metrics[0]!.quantiles!['0.5']);
  expect(Math.abs(median - 100) / 100).toBeLessThanOrEqual(0.01);
}

describe('aggregation across processes', () => {
  it('merges two real node:cluster workers and the primary', async () => {
    cluster.setupPrimary({ exec: fixture, execArgv: tsx, silent: true });
    const workers = [0, 1].map((i) => cluster.fork({ PEER_INDEX: String(i) }));
    try {
      await Promise.all(workers.map((w) => once(w, 'message')));
      const local = new Registry();
      new Counter({ name: 'primary_total', help: 'Primary.', registry: local }).inc(7);
      const text = await clusterMetrics({ local });
      checkMerged(text);
      expect(text).toContain('primary_total 7\n');
    } finally {
      for (const w of workers) w.kill();
    }
  });

  it('merges worker threads through their Worker objects', async () => {
    const stub = fileURLToPath(new URL('./fixtures/workerThread.mjs', import.meta.url));
    const workers = [0, 1].map((index) => new Worker(stub, { workerData: { index } }));
    try {
      await Promise.all(workers.map((w) => once(w, 'message')));
      checkMerged(await aggregateMetrics(workers));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  it('fails with a typed error when a peer never answers', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      await expect(aggregateMetrics([port1 as never], { timeoutMs: 50 })).rejects.toMatchObject({
        name: 'AggregationError',
        code: 'PERF_METRICS_AGGREGATION',
        message:
          '@perf/metrics: a worker did not answer the metrics request within 50 ms: is answerMetricRequests() called in every worker?',
      });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('fails with a typed error when a peer fails to collect its metrics', async () => {
    const { port1, port2 } = new MessageChannel();
    const failing = new Registry({ name: 'worker' });
    new Gauge({
      name: 'broken',
      help: 'B.',
      registry: failing,
      collect() {
        throw new Error('source down');
      },
    });
    const stop = answerMetricRequests(failing, port2 as never);
    try {
      await expect(aggregateMetrics([port1 as never], { timeoutMs: 5_000 })).rejects.toMatchObject({
        code: 'PERF_METRICS_AGGREGATION',
        message: '@perf/metrics: a worker failed to collect its metrics: Error: source down',
      });
    } finally {
      stop();
      port1.close();
      port2.close();
    }
  });

  it('refuses to merge one metric declared with different buckets or types', async () => {
    const a = { name: 'h', help: 'H.', type: 'histogram', labelNames: [], buckets: [1], series: [] } as const;
    const b = { ...a, buckets: [2] };
    expect(() => mergeSnapshots([[a], [b]])).toThrowError(
      expect.objectContaining({ code: 'PERF_METRICS_INVALID_OPTION', option: 'h.buckets', received: [2] }),
    );
    expect(() => mergeSnapshots([[a], [b]])).toThrow(
      '@perf/metrics: option h.buckets must be the same as in the other processes (declare the metric alike in every worker): [1], received [2]',
    );
    const { buckets: _, ...counter } = { ...a, type: 'counter' as const };
    expect(() => mergeSnapshots([[a], [counter]])).toThrowError(
      expect.objectContaining({ option: 'h.type', received: 'counter' }),
    );
    expect(await formatSnapshots(mergeSnapshots([[a], [a]]))).toBe('# HELP h H.\n# TYPE h histogram\n');
  });

  it('refuses bad options before asking any peer', async () => {
    const { port1, port2 } = new MessageChannel();
    const asked: unknown[] = [];
    port2.on('message', (m) => asked.push(m));
    try {
      await expect(aggregateMetrics([port1 as never], { timeoutMs: 0 })).rejects.toMatchObject({
        code: 'PERF_METRICS_INVALID_OPTION',
        option: 'timeoutMs',
      });
      await expect(aggregateMetrics([port1 as never], { format: 'text' as never })).rejects.toMatchObject({
        option: 'format',
      });
      await expect(formatSnapshots([], 'text' as never)).rejects.toMatchObject({ option: 'format' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(asked).toEqual([]);
    } finally {
      port1.close();
      port2.close();
    }
  });
});
