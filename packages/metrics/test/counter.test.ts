import { describe, expect, it } from 'vitest';
import {
  Counter,
  DuplicateMetricError,
  InvalidNameError,
  InvalidOptionError,
  InvalidValueError,
  Registry,
} from '../src/index.js';

describe('Counter', () => {
  it('counts with and without labels, through inc(labels, n) and bound handles', async () => {
    const registry = new Registry();
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
        expect.objectContaining({ code: 'PERF_METRICS_INVALID_VALUE', metric: 'x_total', value: n }),
      );
      expect(c.get({ a: '1' })).toBe(0);
    },
  );

  it('says which value was refused and why', () => {
    const c = new Counter({ name: 'neg_total', help: 'N.', registry: null });
    expect(() => c.inc(-1)).toThrow(
      '@perf/metrics: neg_total: -1 is not a valid value: a counter only goes up: pass a finite number ≥ 0',
    );
  });

  it('refuses invalid names, duplicate registration and bad options at construction', () => {
    const registry = new Registry({ name: 'app' });
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
    expect(() => new Counter({ name: 'ok_total', help: 'x', registry })).toThrowError(
      expect.objectContaining({
        code: 'PERF_METRICS_DUPLICATE',
        metric: 'ok_total',
        registry: 'app',
        message:
          '@perf/metrics: a metric named "ok_total" is already registered in registry "app": reuse it (registry.get(name)) or pick another name',
      }),
    );
  });

  it('names an invalid metric or label name in the error', () => {
    expect(() => new Counter({ name: 'has space', help: 'x', registry: null })).toThrowError(
      expect.objectContaining({ code: 'PERF_METRICS_INVALID_NAME', kind: 'metric', received: 'has space' }),
    );
    expect(() => new Counter({ name: 'ok_total', help: 'x', labelNames: ['__x'], registry: null })).toThrow(
      '@perf/metrics: invalid label name "__x": names starting with __ are reserved',
    );
  });
});
