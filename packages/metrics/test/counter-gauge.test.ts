import { describe, expect, it, vi } from 'vitest';
import {
  Counter,
  DuplicateMetricError,
  Gauge,
  InvalidNameError,
  InvalidOptionError,
  InvalidValueError,
  LabelMismatchError,
  Registry,
} from '../src/index.js';

const fresh = () => new Registry();

describe('Counter', () => {
  it('counts with and without labels, through inc(labels, n) and bound handles', async () => {
    const registry = fresh();
    const plain = new Counter({ name: 'jobs_total', help: 'Jobs.', registry });
    plain.inc();
    plain.inc(2.5);
    const c = new Counter({ name: 'req_total', help: 'Requests.', labelNames: ['route', 'code'], registry });
    c.inc({ route: '/token', code: '200' });
    c.inc({ code: '200', route: '/token' }, 4);
    const handle = c.labels({ route: '/token', code: 500 });
    handle.inc();
    handle.inc(2);
    expect(plain.get()).toBe(3.5);
    expect(c.get({ route: '/token', code: '200' })).toBe(5);
    // A number label value and its string spelling are the same series.
    expect(c.get({ route: '/token', code: '500' })).toBe(3);
    const text = await registry.metrics();
    expect(text).toContain('jobs_total 3.5\n');
    expect(text).toContain('req_total{route="/token",code="200"} 5\n');
    expect(text).toContain('req_total{route="/token",code="500"} 3\n');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number])(
    'refuses the increment %s at the call',
    (n) => {
      const c = new Counter({ name: 'x_total', help: 'X.', labelNames: ['a'], registry: null });
      expect(() => c.inc({ a: '1' }, n)).toThrow(InvalidValueError);
      expect(() => c.labels({ a: '1' }).inc(n)).toThrowError(
        expect.objectContaining({ code: 'PERF_METRICS_INVALID_VALUE' }),
      );
      expect(c.get({ a: '1' })).toBe(0);
    },
  );

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
      expect(() => c.inc(labels)).toThrowError(expect.objectContaining({ code: 'PERF_METRICS_LABEL_MISMATCH' }));
    }
    expect(() => c.inc()).toThrow(LabelMismatchError);
    expect(() => c.inc(null as unknown as { a: string; b: string })).toThrow(LabelMismatchError);
  });

  it('refuses invalid names, duplicate registration and bad options at construction', () => {
    const registry = fresh();
    expect(() => new Counter({ name: '1bad', help: 'x', registry })).toThrow(InvalidNameError);
    expect(() => new Counter({ name: 'ok_total', help: 'x', labelNames: ['bad-label'], registry })).toThrow(
      InvalidNameError,
    );
    expect(() => new Counter({ name: 'ok_total', help: 'x', labelNames: ['__reserved'], registry })).toThrow(
      InvalidNameError,
    );
    expect(() => new Counter({ name: 'ok_total', help: '', registry })).toThrow(InvalidOptionError);
    expect(() => new Counter({ name: 'ok_total', help: 'x', labelNames: ['a', 'a'], registry })).toThrow(
      InvalidOptionError,
    );
    expect(() => new Counter({ name: 'ok_total', help: 'x', maxSeries: 0, registry })).toThrow(InvalidOptionError);
    new Counter({ name: 'ok_total', help: 'x', registry });
    expect(() => new Counter({ name: 'ok_total', help: 'x', registry })).toThrow(DuplicateMetricError);
  });

  it('folds label sets past the cap into one overflow series, warns once, and stays bounded under 1,000,000 hostile values', async () => {
    const registry = fresh();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const c = new Counter({ name: 'hostile_total', help: 'H.', labelNames: ['user'], maxSeries: 100, registry });
    for (let i = 0; i < 1_000_000; i++) c.inc({ user: `u${i}` });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatchObject({ code: 'PERF_METRICS_CARDINALITY' });
    warn.mockRestore();
    const lines = (await registry.metrics()).split('\n').filter((l) => l.startsWith('hostile_total'));
    expect(lines).toHaveLength(101);
    expect(lines).toContain('hostile_total{user="__overflow__"} 999900');
    // Nothing was lost: the series add up to every increment.
    const total = lines.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    expect(total).toBe(1_000_000);
  });

  it('re-attaches a bound handle whose series was removed, so no increment is lost', async () => {
    const registry = fresh();
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

  it('expires idle series after seriesTtlMs, checked at scrape time', async () => {
    let now = 1_000_000;
    const registry = fresh();
    const c = new Counter({
      name: 't_total',
      help: 'T.',
      labelNames: ['k'],
      seriesTtlMs: 60_000,
      now: () => now,
      registry,
    });
    c.inc({ k: 'idle' });
    const busy = c.labels({ k: 'busy' });
    busy.inc();
    await registry.metrics();
    now += 30_000;
    busy.inc();
    await registry.metrics();
    now += 40_000;
    const text = await registry.metrics();
    expect(text).not.toContain('k="idle"');
    expect(text).toContain('t_total{k="busy"} 2');
    now += 70_000;
    expect(await registry.metrics()).not.toContain('k="busy"');
    busy.inc();
    expect(await registry.metrics()).toContain('t_total{k="busy"} 3');
  });
});

describe('Gauge', () => {
  it('sets, adds, subtracts, times and reads a collect callback at scrape time', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    try {
      const registry = fresh();
      const source = { depth: 7 };
      const g = new Gauge({ name: 'depth', help: 'Depth.', labelNames: ['q'], registry });
      g.set({ q: 'a' }, 5);
      g.inc({ q: 'a' }, 2);
      g.dec({ q: 'a' });
      g.labels({ q: 'b' }).dec(3);
      const pulled = new Gauge({
        name: 'pulled',
        help: 'Read from stats() at scrape time.',
        registry,
        collect() {
          this.set(source.depth);
        },
      });
      const t = new Gauge({ name: 'now_seconds', help: 'Now.', registry });
      t.setToCurrentTime();
      const end = new Gauge({ name: 'took_seconds', help: 'Took.', registry }).startTimer();
      vi.advanceTimersByTime(1500);
      expect(end()).toBeCloseTo(1.5, 6);
      source.depth = 9;
      const text = await registry.metrics();
      expect(text).toContain('depth{q="a"} 6\n');
      expect(text).toContain('depth{q="b"} -3\n');
      expect(text).toContain('pulled 9\n');
      expect(text).toContain('now_seconds 1700000000\n');
      expect(text).toContain('took_seconds 1.5\n');
      expect(pulled.get()).toBe(9);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses NaN and non-numbers', () => {
    const g = new Gauge({ name: 'g', help: 'G.', registry: null });
    expect(() => g.set(Number.NaN)).toThrow(InvalidValueError);
    expect(() => g.inc('1' as unknown as number)).toThrow(InvalidValueError);
    g.set(Number.NEGATIVE_INFINITY);
    expect(g.get()).toBe(Number.NEGATIVE_INFINITY);
  });
});
