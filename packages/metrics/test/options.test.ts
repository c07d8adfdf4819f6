// Every option is checked once, at construction, and a refused one is named
// by its path: `<metric name>.<option>` for a metric's own options.
import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, InvalidOptionError, MetricsError, Registry, Summary } from '../src/index.js';

const registry = null;

const refused: [string, () => unknown, string, string, unknown][] = [
  // [what, construct, option, expected, received]
  ['no options', () => new Counter(undefined as never), 'options', 'an object with at least name and help', undefined],
  [
    'empty help',
    () => new Counter({ name: 'a_total', help: '', registry }),
    'a_total.help',
    'a non-empty string saying what is measured',
    '',
  ],
  [
    'labelNames not an array',
    () => new Counter({ name: 'a_total', help: 'A.', labelNames: 'route' as never, registry }),
    'a_total.labelNames',
    'an array of label names',
    'route',
  ],
  [
    'repeated label',
    () => new Counter({ name: 'a_total', help: 'A.', labelNames: ['a', 'a'], registry }),
    'a_total.labelNames',
    'distinct label names',
    ['a', 'a'],
  ],
  [
    'registry not a Registry',
    () => new Counter({ name: 'a_total', help: 'A.', registry: {} as never }),
    'a_total.registry',
    'a Registry, or null for none',
    {},
  ],
  [
    'maxSeries 0',
    () => new Counter({ name: 'a_total', help: 'A.', maxSeries: 0, registry }),
    'a_total.maxSeries',
    'an integer ≥ 1',
    0,
  ],
  [
    'maxSeries 1.5',
    () => new Counter({ name: 'a_total', help: 'A.', maxSeries: 1.5, registry }),
    'a_total.maxSeries',
    'an integer ≥ 1',
    1.5,
  ],
  [
    'seriesTtlMs 0',
    () => new Counter({ name: 'a_total', help: 'A.', seriesTtlMs: 0, registry }),
    'a_total.seriesTtlMs',
    'a number of milliseconds > 0',
    0,
  ],
  [
    'collect not a function',
    () => new Counter({ name: 'a_total', help: 'A.', collect: 'x' as never, registry }),
    'a_total.collect',
    'a function',
    'x',
  ],
  [
    'now not a function',
    () => new Counter({ name: 'a_total', help: 'A.', now: 0 as never, registry }),
    'a_total.now',
    'a function returning milliseconds',
    0,
  ],
  [
    'gauge aggregate',
    () => new Gauge({ name: 'g', help: 'G.', aggregate: 'median' as never, registry }),
    'g.aggregate',
    'one of sum, min, max, average, first, omit',
    'median',
  ],
  [
    'buckets empty',
    () => new Histogram({ name: 'h', help: 'H.', buckets: [], registry }),
    'h.buckets',
    'at least one finite bound',
    [],
  ],
  [
    'buckets NaN',
    () => new Histogram({ name: 'h', help: 'H.', buckets: [1, Number.NaN], registry }),
    'h.buckets',
    'finite numbers (+Inf is implied)',
    [1, Number.NaN],
  ],
  [
    'buckets not increasing',
    () => new Histogram({ name: 'h', help: 'H.', buckets: [1, 1], registry }),
    'h.buckets',
    'strictly increasing bounds',
    [1, 1],
  ],
  [
    'percentile 1.5',
    () => new Summary({ name: 's', help: 'S.', percentiles: [0.5, 1.5], registry }),
    's.percentiles',
    'an array of quantiles, each in [0, 1]',
    [0.5, 1.5],
  ],
  [
    'maxAgeSeconds 0',
    () => new Summary({ name: 's', help: 'S.', maxAgeSeconds: 0, registry }),
    's.maxAgeSeconds',
    'a number of seconds > 0',
    0,
  ],
  [
    'ageBuckets 0',
    () => new Summary({ name: 's', help: 'S.', ageBuckets: 0, registry }),
    's.ageBuckets',
    'an integer ≥ 1',
    0,
  ],
  [
    'accuracy 1',
    () => new Summary({ name: 's', help: 'S.', accuracy: 1, registry }),
    's.accuracy',
    'a number in (0, 1)',
    1,
  ],
  ['registry name', () => new Registry({ name: 42 as never }), 'name', 'a non-empty string', 42],
];

describe('option checks', () => {
  it.each(refused)(
    'refuses %s, naming the option, what it takes and what it got',
    (_, construct, option, expected, received) => {
      let error: unknown;
      try {
        construct();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toBeInstanceOf(MetricsError);
      expect(error).toMatchObject({
        name: 'InvalidOptionError',
        code: 'PERF_METRICS_INVALID_OPTION',
        option,
        expected,
        received,
      });
      expect((error as Error).message).toMatch(
        new RegExp(`^@perf/metrics: option ${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must be `),
      );
    },
  );

  it('shows what was received readably: strings quoted, functions and objects in a few words, long arrays shortened', () => {
    const message = (received: unknown) => new InvalidOptionError('x', 'y', received).message;
    expect(message('median')).toBe('@perf/metrics: option x must be y, received "median"');
    expect(message(() => 1)).toBe('@perf/metrics: option x must be y, received a function');
    expect(message({ a: 1, b: 2 })).toBe('@perf/metrics: option x must be y, received an object with keys a, b');
    expect(message(new Map())).toBe('@perf/metrics: option x must be y, received a Map instance');
    expect(message([1, Number.NaN, 'a', [2]])).toBe(
      '@perf/metrics: option x must be y, received [1, NaN, "a", an array of 1]',
    );
    expect(message([1, 2, 3, 4, 5, 6, 7, 8])).toBe(
      '@perf/metrics: option x must be y, received [1, 2, 3, 4, 5, 6, ... (8 items)]',
    );
    expect(message(undefined)).toBe('@perf/metrics: option x must be y, received undefined');
  });

  it('validates once: a metric that was accepted never re-checks its options on updates or scrapes', async () => {
    const registry = new Registry();
    const options = { name: 'once_total', help: 'O.', labelNames: ['a'], maxSeries: 2, registry };
    const c = new Counter(options);
    options.maxSeries = 0; // a later change to the object given does not reach the metric
    options.labelNames.push('b'); // nor to its label names: the metric keeps its own copy
    c.inc({ a: 'x' });
    expect(await registry.metrics()).toContain('once_total{a="x"} 1\n');
    expect(c.stats().maxSeries).toBe(2);
  });
});
