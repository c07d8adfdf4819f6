// The registry: its name, its stats() and the scrape channel.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { manualClock } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Counter,
  channelNames,
  defaultRegistry,
  Gauge,
  Histogram,
  InvalidOptionError,
  Registry,
  type ScrapeMessage,
} from '../src/index.js';

describe('Registry options', () => {
  it('is named `registry` unless given a name; the default registry is `default`', () => {
    expect(new Registry().name).toBe('registry');
    expect(new Registry({ name: 'app' }).name).toBe('app');
    expect(defaultRegistry.name).toBe('default');
  });

  it('refuses a bad name or clock at construction', () => {
    expect(() => new Registry({ name: '' })).toThrow(
      '@perf/metrics: option name must be a non-empty string, received ""',
    );
    expect(() => new Registry({ now: 5 as never })).toThrow(InvalidOptionError);
  });
});

describe('stats()', () => {
  beforeEach(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts metrics, series, overflowed label lookups, scrapes and failed scrapes, in a fresh object', async () => {
    const registry = new Registry({ name: 'app' });
    expect(registry.stats()).toEqual({ name: 'app', metrics: 0, series: 0, overflowed: 0, scrapes: 0, failures: 0 });
    const c = new Counter({ name: 'c_total', help: 'C.', labelNames: ['k'], maxSeries: 2, registry });
    new Gauge({ name: 'g', help: 'G.', registry }).set(1);
    for (const k of ['a', 'b', 'c', 'd']) c.inc({ k }); // c and d overflow
    await registry.metrics();
    await registry.snapshot();
    let fail = false;
    new Gauge({
      name: 'flaky',
      help: 'F.',
      registry,
      collect() {
        if (fail) throw new Error('source down');
      },
    });
    fail = true;
    await expect(registry.metrics()).rejects.toThrow('source down');
    const stats = registry.stats();
    // c_total: a, b and __overflow__; g and flaky: one series each.
    expect(stats).toEqual({ name: 'app', metrics: 3, series: 5, overflowed: 2, scrapes: 2, failures: 1 });
    expect(registry.stats()).not.toBe(stats);
    registry.remove('c_total');
    expect(registry.stats()).toMatchObject({ metrics: 2, series: 2, overflowed: 0 });
  });
});

describe('perf:metrics:scrape', () => {
  const messages: ScrapeMessage[] = [];
  const onMessage = (m: unknown) => messages.push(m as ScrapeMessage);
  beforeEach(() => {
    messages.length = 0;
    subscribe(channelNames.scrape, onMessage);
  });
  afterEach(() => {
    unsubscribe(channelNames.scrape, onMessage);
  });

  it('publishes each scrape with the registry name, format, metrics, series and duration', async () => {
    const clock = manualClock(0);
    const registry = new Registry({ name: 'app', now: clock.now });
    const c = new Counter({ name: 'c_total', help: 'C.', labelNames: ['k'], registry });
    c.inc({ k: 'a' });
    c.inc({ k: 'b' });
    new Histogram({
      name: 'h',
      help: 'H.',
      registry,
      collect() {
        clock.advance(7); // the scrape's own work, as the registry's clock sees it
      },
    });
    await registry.metrics();
    await registry.metrics('openmetrics');
    await registry.snapshot();
    expect(messages).toEqual([
      { name: 'app', format: 'prometheus', metrics: 2, series: 3, durationMs: 7 },
      { name: 'app', format: 'openmetrics', metrics: 2, series: 3, durationMs: 7 },
      { name: 'app', format: 'snapshot', metrics: 2, series: 3, durationMs: 7 },
    ]);
  });

  it('counts every series of a scrape written in several slices', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'big_total', help: 'B.', labelNames: ['id'], maxSeries: 5_000, registry });
    for (let i = 0; i < 4_321; i++) c.inc({ id: String(i) });
    await registry.metrics();
    expect(messages).toMatchObject([{ name: 'registry', series: 4_321 }]);
  });

  it('publishes a failed scrape with its error', async () => {
    const registry = new Registry({ name: 'app' });
    const error = new Error('source down');
    new Gauge({
      name: 'broken',
      help: 'B.',
      registry,
      collect() {
        throw error;
      },
    });
    await expect(registry.metrics()).rejects.toBe(error);
    expect(messages).toEqual([
      { name: 'app', format: 'prometheus', metrics: 1, series: 0, durationMs: expect.any(Number), error },
    ]);
  });
});
