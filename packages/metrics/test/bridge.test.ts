import { channel } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { Counter, countChannel, Histogram, observeChannel, Registry } from '../src/index.js';

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

  it('drops a message its mapping cannot record, warns once, and never throws into the publisher', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const c = new Counter({ name: 'bridged_total', help: 'B.', labelNames: ['kind'], registry: null });
      const h = new Histogram({ name: 'bridged_seconds', help: 'B.', registry: null });
      const stopCount = countChannel('perf:bridge-test:event', c, (m) => ({ kind: (m as { kind: string }).kind }));
      const stopObserve = observeChannel('perf:bridge-test:event', h, (m) => (m as { ms: number }).ms / 1000);
      channel('perf:bridge-test:event').publish({}); // kind missing, ms undefined → NaN
      channel('perf:bridge-test:event').publish({});
      channel('perf:bridge-test:event').publish({ kind: 'ok', ms: 5 });
      stopCount();
      stopObserve();
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).toEqual([]);
      expect(c.get({ kind: 'ok' })).toBe(1);
      const codes = warn.mock.calls.map((call) => (call[1] as { code?: string } | undefined)?.code);
      expect(codes.filter((code) => code === 'PERF_METRICS_BRIDGE')).toHaveLength(2); // once per bridge
    } finally {
      process.off('uncaughtException', onUncaught);
      warn.mockRestore();
    }
  });
});
