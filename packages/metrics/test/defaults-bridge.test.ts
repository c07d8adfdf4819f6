import { channel } from 'node:diagnostics_channel';
import parse from 'parse-prometheus-text-format';
import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Counter, collectDefaultMetrics, countChannel, Histogram, observeChannel, Registry } from '../src/index.js';

describe('collectDefaultMetrics', () => {
  it("exposes every metric prom-client's defaults expose, under the same name and type", async () => {
    const promRegistry = new prom.Registry();
    prom.collectDefaultMetrics({ register: promRegistry });
    const theirs = (await promRegistry.getMetricsAsJSON()).map((m) => [m.name, m.type] as const);

    const registry = new Registry();
    const stop = collectDefaultMetrics({ registry });
    try {
      const ours = new Map(parse(await registry.metrics()).map((f) => [f.name, f.type.toLowerCase()]));
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
});

describe('diagnostics_channel bridge', () => {
  it('counts and observes what other packages publish, and stops on unsubscribe', async () => {
    const registry = new Registry();
    const misses = new Counter({ name: 'cache_misses_total', help: 'Misses.', labelNames: ['cache'], registry });
    const loads = new Histogram({ name: 'cache_load_seconds', help: 'Loads.', buckets: [0.01, 0.1], registry });
    const stopCount = countChannel('perf:cache:miss', misses, (m) => ({ cache: (m as { name: string }).name }));
    const stopObserve = observeChannel(
      'perf:cache:load',
      loads,
      (m) => (m as { ms?: number }).ms && (m as { ms: number }).ms / 1000,
    );
    channel('perf:cache:miss').publish({ name: 'tokens' });
    channel('perf:cache:miss').publish({ name: 'tokens' });
    channel('perf:cache:load').publish({ ms: 50 });
    channel('perf:cache:load').publish({});
    stopCount();
    stopObserve();
    channel('perf:cache:miss').publish({ name: 'tokens' });
    expect(misses.get({ cache: 'tokens' })).toBe(2);
    expect(await registry.metrics()).toContain('cache_load_seconds_count 1\n');
    expect(channel('perf:cache:miss').hasSubscribers).toBe(false);
  });
});
