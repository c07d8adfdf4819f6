import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectDefaultMetrics, InvalidOptionError, Registry } from '../src/index.js';
import { parsePrometheusText } from './parsePrometheusText.js';

describe('collectDefaultMetrics', () => {
  it("exposes every metric prom-client's defaults expose, under the same name and type", async () => {
    const promRegistry = new prom.Registry();
    prom.collectDefaultMetrics({ register: promRegistry });
    const theirs = (await promRegistry.getMetricsAsJSON()).map((m) => [m.name, m.type] as const);

    const registry = new Registry();
    const stop = collectDefaultMetrics({ registry });
    try {
      const ours = new Map(parsePrometheusText(await registry.metrics()).map((f) => [f.name, f.type.toLowerCase()]));
      for (const [name, type] of theirs) expect({ name, type: ours.get(name) }).toEqual({ name, type });
      expect(ours.get('nodejs_eventloop_utilization_ratio')).toBe('gauge');
      const text = await registry.metrics();
      const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)![1]);
      expect(rss).toBeGreaterThan(1024 * 1024);
    } finally {
      stop();
    }
  });

  it('records GC pauses by kind', async () => {
    const registry = new Registry();
    const stop = collectDefaultMetrics({ registry, prefix: 'app_' });
    try {
      // Allocate enough to make V8 collect for real.
      let keep: number[][] = [];
      for (let i = 0; i < 200; i++) keep.push(new Array(50_000).fill(i));
      keep = [];
      expect(keep).toHaveLength(0);
      // GC entries reach the observer asynchronously: give the loop a few turns (no wall-clock wait).
      const gcCount = /app_nodejs_gc_duration_seconds_count\{kind="(minor|major|incremental|weakcb)"\} [1-9]/;
      let text = '';
      for (let turn = 0; turn < 100 && !gcCount.test(text); turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        text = await registry.metrics();
      }
      expect(text).toMatch(gcCount);
    } finally {
      stop();
    }
  });

  it('refuses bad options before registering anything', () => {
    const registry = new Registry();
    expect(() => collectDefaultMetrics({ registry, eventLoopMonitoringPrecision: 0 })).toThrowError(
      expect.objectContaining({ code: 'PERF_METRICS_INVALID_OPTION', option: 'eventLoopMonitoringPrecision' }),
    );
    expect(() => collectDefaultMetrics({ registry, prefix: 'my-app_' })).toThrow(InvalidOptionError);
    expect(() => collectDefaultMetrics({ registry, prefix: '1app_' })).toThrowError(
      expect.objectContaining({ option: 'prefix', received: '1app_' }),
    );
    expect(() => collectDefaultMetrics({ registry, gcDurationBuckets: [2, 1] })).toThrow(
      '@perf/metrics: option gcDurationBuckets must be strictly increasing bounds, received [2, 1]',
    );
    expect(registry.stats().metrics).toBe(0);
  });
});
