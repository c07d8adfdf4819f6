// The label sets of a metric: validation, the cardinality cap and its
// __overflow__ series, bound handles that outlive their series, idle expiry.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { manualClock } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { Counter, channelNames, Gauge, LabelMismatchError, type OverflowMessage, Registry } from '../src/index.js';

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('label validation', () => {
  it('refuses label sets that do not match the declaration', () => {
    const c = new Counter({ name: 'y_total', help: 'Y.', labelNames: ['a', 'b'], registry: null });
    c.inc({ a: '1', b: '2' });
    const bad = [
      { a: '1' },
      { a: '1', b: '2', c: '3' },
      { a: '1', b: undefined },
      { a: '1', b: { nested: true } },
      { a: '1', b: Number.NaN },
    ] as unknown as { a: string; b: string }[];
    for (const labels of bad) {
      expect(() => c.inc(labels)).toThrowError(
        expect.objectContaining({ code: 'PERF_METRICS_LABEL_MISMATCH', metric: 'y_total', labelNames: ['a', 'b'] }),
      );
    }
    expect(() => c.inc()).toThrow(LabelMismatchError);
    expect(() => c.inc(null as unknown as { a: string; b: string })).toThrow(LabelMismatchError);
    expect(() => c.inc({ a: '1' } as never)).toThrow(
      '@perf/metrics: y_total: label b is missing; declared labels are [a, b]: pass exactly those, each a string or number',
    );
  });

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

describe('the cardinality cap', () => {
  let warn: MockInstance<typeof process.emitWarning>;
  beforeEach(() => {
    warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it('folds label sets past the cap into one overflow series, warns once, and stays bounded under 1,000,000 hostile values', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'hostile_total', help: 'H.', labelNames: ['user'], maxSeries: 100, registry });
    for (let i = 0; i < 1_000_000; i++) c.inc({ user: `u${i}` });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'PERF_METRICS_CARDINALITY' });
    const found = lines(await registry.metrics(), 'hostile_total');
    expect(found).toHaveLength(101);
    expect(found).toContain('hostile_total{user="__overflow__"} 999900');
    // Nothing was lost: the series add up to every increment.
    const total = found.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    expect(total).toBe(1_000_000);
    expect(c.stats()).toEqual({ name: 'hostile_total', series: 101, maxSeries: 100, overflowed: 999_900 });
  });

  it('publishes the first label set past the cap on perf:metrics:overflow, once per metric', () => {
    const messages: OverflowMessage[] = [];
    const onMessage = (m: unknown) => messages.push(m as OverflowMessage);
    subscribe(channelNames.overflow, onMessage);
    try {
      const registry = new Registry({ name: 'app' });
      const c = new Counter({ name: 'users_total', help: 'U.', labelNames: ['user'], maxSeries: 2, registry });
      for (const user of ['a', 'b', 'c', 'd']) c.inc({ user });
      const detached = new Counter({ name: 'ids_total', help: 'I.', labelNames: ['id'], maxSeries: 1, registry: null });
      detached.inc({ id: '1' });
      detached.labels({ id: '2' }).inc();
      expect(messages).toEqual([
        { name: 'users_total', registry: 'app', maxSeries: 2, labels: { user: 'c' } },
        { name: 'ids_total', registry: undefined, maxSeries: 1, labels: { id: '2' } },
      ]);
    } finally {
      unsubscribe(channelNames.overflow, onMessage);
    }
  });

  it('writes one __overflow__ series even when a real label value is __overflow__', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'ov_total', help: 'O.', labelNames: ['a'], maxSeries: 2, registry });
    c.inc({ a: '__overflow__' });
    c.inc({ a: 'x' });
    c.inc({ a: 'y' }); // past the cap
    const text = await registry.metrics();
    expect(lines(text, 'ov_total{a="__overflow__"}')).toEqual(['ov_total{a="__overflow__"} 2']);
  });

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
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('bound handles whose series was removed', () => {
  it('re-attach, so no increment is lost', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'r_total', help: 'R.', labelNames: ['k'], registry });
    const h = c.labels({ k: 'a' });
    h.inc(2);
    expect(c.remove({ k: 'a' })).toBe(true);
    expect(await registry.metrics()).not.toContain('r_total{k="a"}');
    h.inc();
    expect(await registry.metrics()).toContain('r_total{k="a"} 3\n');
    // Removed again, and a new series created for the same labels: the old handle feeds it.
    c.remove({ k: 'a' });
    c.inc({ k: 'a' }, 10);
    h.inc(5);
    expect(c.get({ k: 'a' })).toBe(15);
  });

  it('do not lose the increments of a handle whose successor series was removed too', () => {
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
    const clock = manualClock(1_700_000_000_000);
    const c = new Counter({
      name: 'fwttl_total',
      help: 'F.',
      labelNames: ['a'],
      seriesTtlMs: 1_000,
      registry,
      now: clock.now,
    });
    const handle = c.labels({ a: 'x' });
    c.remove({ a: 'x' });
    c.inc({ a: 'x' }); // the successor
    handle.inc(); // forwarded to it
    await registry.metrics(); // sweep: idle from now
    clock.advance(600);
    handle.inc(); // an update: the successor is active again
    await registry.metrics();
    clock.advance(600); // 1,200 ms after the sweep that marked it idle, 600 ms after its last update
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

describe('expiry of idle series (seriesTtlMs)', () => {
  it('removes series idle for seriesTtlMs, checked at scrape time', async () => {
    const clock = manualClock(1_000_000);
    const registry = new Registry();
    const c = new Counter({
      name: 't_total',
      help: 'T.',
      labelNames: ['k'],
      seriesTtlMs: 60_000,
      now: clock.now,
      registry,
    });
    c.inc({ k: 'idle' });
    const busy = c.labels({ k: 'busy' });
    busy.inc();
    await registry.metrics();
    clock.advance(30_000);
    busy.inc();
    await registry.metrics();
    clock.advance(40_000);
    const text = await registry.metrics();
    expect(text).not.toContain('k="idle"');
    expect(text).toContain('t_total{k="busy"} 2');
    clock.advance(70_000);
    expect(await registry.metrics()).not.toContain('k="busy"');
    busy.inc();
    expect(await registry.metrics()).toContain('t_total{k="busy"} 3');
  });

  it('still expires idle series after the wall clock is set back', async () => {
    const registry = new Registry();
    const clock = manualClock(1_700_000_000_000);
    const c = new Counter({
      name: 'ttljump_total',
      help: 'T.',
      labelNames: ['a'],
      seriesTtlMs: 1_000,
      registry,
      now: clock.now,
    });
    c.inc({ a: 'x' });
    await registry.metrics(); // marks it idle
    clock.advance(-3_600_000);
    await registry.metrics();
    clock.advance(1_000);
    const text = await registry.metrics();
    expect(lines(text, 'ttljump_total{')).toEqual([]);
  });
});
