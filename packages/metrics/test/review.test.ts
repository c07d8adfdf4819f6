// Regression tests for bugs found in review: each failed before its fix.
import { channel } from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import {
  Counter,
  countChannel,
  Gauge,
  Histogram,
  InvalidOptionError,
  LabelMismatchError,
  observeChannel,
  Registry,
  Summary,
} from '../src/index.js';

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('label validation', () => {
  it('accepts a correct label object while Object.prototype carries an unrelated enumerable property', () => {
    const c = new Counter({ name: 'unrelated_total', help: 'P.', labelNames: ['route', 'code'], registry: null });
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'yes';
    try {
      c.inc({ route: '/a', code: '200' });
      c.inc({ route: '/a', code: '200' });
      expect(c.get({ route: '/a', code: '200' })).toBe(2);
    } finally {
      delete proto.polluted;
    }
  });

  it('keeps validating own labels when Object.prototype has been polluted with an enumerable property', () => {
    const c = new Counter({ name: 'polluted_total', help: 'P.', labelNames: ['route', 'code'], registry: null });
    const proto = Object.prototype as Record<string, unknown>;
    proto.code = '200';
    try {
      // A correct label object is still accepted...
      c.inc({ route: '/a', code: '500' });
      c.inc({ route: '/a', code: '200' });
      expect(c.get({ route: '/a', code: '500' })).toBe(1);
      // ...and one missing `code` is refused instead of taking the polluted value, even where that value
      // names an existing series (the hot path would find it).
      expect(() => c.inc({ route: '/a' } as never)).toThrow(LabelMismatchError);
      expect(c.get({ route: '/a', code: '200' })).toBe(1);
    } finally {
      delete proto.code;
    }
  });
});

describe('overflow series and re-attached handles', () => {
  it('writes one __overflow__ series even when a real label value is __overflow__', async () => {
    const registry = new Registry();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const c = new Counter({ name: 'ov_total', help: 'O.', labelNames: ['a'], maxSeries: 2, registry });
    c.inc({ a: '__overflow__' });
    c.inc({ a: 'x' });
    c.inc({ a: 'y' }); // past the cap
    warn.mockRestore();
    const text = await registry.metrics();
    expect(lines(text, 'ov_total{a="__overflow__"}')).toEqual(['ov_total{a="__overflow__"} 2']);
  });

  it('does not lose the increments of a handle whose successor series was removed too', () => {
    const c = new Counter({ name: 'fw_total', help: 'F.', labelNames: ['a'], registry: null });
    const handle = c.labels({ a: 'x' });
    c.remove({ a: 'x' });
    c.inc({ a: 'x' }); // a successor takes the label set
    handle.inc(); // forwarded to the successor: 2
    c.remove({ a: 'x' });
    handle.inc(); // the successor must come back, not swallow this
    expect(c.get({ a: 'x' })).toBe(3);
  });

  it('an update forwarded by a handle keeps the successor series alive under seriesTtlMs', async () => {
    const registry = new Registry();
    let t = 1_700_000_000_000;
    const c = new Counter({
      name: 'fwttl_total',
      help: 'F.',
      labelNames: ['a'],
      seriesTtlMs: 1_000,
      registry,
      now: () => t,
    });
    const handle = c.labels({ a: 'x' });
    c.remove({ a: 'x' });
    c.inc({ a: 'x' }); // the successor
    handle.inc(); // forwarded to it
    await registry.metrics(); // sweep: idle from now
    t += 600;
    handle.inc(); // an update: the successor is active again
    await registry.metrics();
    t += 600; // 1,200 ms after the sweep that marked it idle, 600 ms after its last update
    expect(lines(await registry.metrics(), 'fwttl_total{')).toEqual(['fwttl_total{a="x"} 3']);
  });

  it('reset() zeroes the series of bound handles too', () => {
    const c = new Counter({ name: 'rs_total', help: 'R.', labelNames: ['a'], registry: null });
    const handle = c.labels({ a: 'x' });
    handle.inc(5);
    c.reset();
    handle.inc();
    expect(c.get({ a: 'x' })).toBe(1);
  });
});

describe('a clock that jumps backwards', () => {
  it('still slides the summary window after the wall clock is set back', async () => {
    const registry = new Registry();
    let t = 1_700_000_000_000;
    const s = new Summary({
      name: 'jump_seconds',
      help: 'J.',
      maxAgeSeconds: 10,
      ageBuckets: 2,
      percentiles: [0.5],
      registry,
      now: () => t,
    });
    s.observe(5);
    t -= 3_600_000; // NTP steps the clock back an hour
    expect(await registry.metrics()).toContain('jump_seconds{quantile="0.5"} 5');
    t += 11_000; // more than maxAgeSeconds later
    const text = await registry.metrics();
    expect(text).toContain('jump_seconds{quantile="0.5"} NaN\n');
    expect(text).toContain('jump_seconds_count 1\n');
  });

  it('still expires idle series by TTL after the wall clock is set back', async () => {
    const registry = new Registry();
    let t = 1_700_000_000_000;
    const c = new Counter({
      name: 'ttljump_total',
      help: 'T.',
      labelNames: ['a'],
      seriesTtlMs: 1_000,
      registry,
      now: () => t,
    });
    c.inc({ a: 'x' });
    await registry.metrics(); // marks it idle
    t -= 3_600_000;
    await registry.metrics();
    t += 1_000;
    const text = await registry.metrics();
    expect(lines(text, 'ttljump_total{')).toEqual([]);
  });
});

describe('OpenMetrics details', () => {
  it('omits _sum of a histogram that saw a negative observation (it is no longer a counter)', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'delta', help: 'D.', buckets: [0, 1], registry, now: () => 0 });
    h.observe(-2);
    h.observe(0.5);
    const om = await registry.metrics('openmetrics');
    expect(om).not.toContain('delta_sum');
    expect(om).toContain('delta_count 2\n');
    // The 0.0.4 format has no such rule: _sum stays.
    expect(await registry.metrics()).toContain('delta_sum -1.5\n');
  });

  it('omits _sum of a histogram with a negative bucket bound', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'temp', help: 'T.', buckets: [-10, 0, 10], registry, now: () => 0 });
    h.observe(3);
    expect(await registry.metrics('openmetrics')).not.toContain('temp_sum');
  });
});

describe('reading a value', () => {
  it('get(labels) of a label set never seen does not create a series (nor use up the cap)', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'peek_total', help: 'P.', labelNames: ['a'], maxSeries: 1, registry });
    const g = new Gauge({ name: 'peek_gauge', help: 'P.', labelNames: ['a'], registry });
    expect(c.get({ a: 'never' })).toBe(0);
    expect(g.get({ a: 'never' })).toBe(0);
    c.inc({ a: 'real' });
    const text = await registry.metrics();
    expect(lines(text, 'peek_total{')).toEqual(['peek_total{a="real"} 1']);
    expect(lines(text, 'peek_gauge{')).toEqual([]);
  });
});

describe('gauge aggregate option', () => {
  it('refuses an unknown aggregate rule at construction', () => {
    expect(() => new Gauge({ name: 'g', help: 'G.', registry: null, aggregate: 'median' as never })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('diagnostics_channel bridge', () => {
  it('drops a message its mapping cannot record, warns once, and never throws into the publisher', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.prependListener('uncaughtException', onUncaught);
    try {
      const c = new Counter({ name: 'bridged_total', help: 'B.', labelNames: ['kind'], registry: null });
      const h = new Histogram({ name: 'bridged_seconds', help: 'B.', registry: null });
      const stopCount = countChannel('perf:review:event', c, (m) => ({ kind: (m as { kind: string }).kind }));
      const stopObserve = observeChannel('perf:review:event', h, (m) => (m as { ms: number }).ms / 1000);
      channel('perf:review:event').publish({}); // kind missing, ms undefined → NaN
      channel('perf:review:event').publish({});
      channel('perf:review:event').publish({ kind: 'ok', ms: 5 });
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
