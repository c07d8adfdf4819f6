import { describe, expectTypeOf, it } from 'vitest';
import {
  Counter,
  type CounterChild,
  type channelNames,
  Histogram,
  type MetricsChannelMessages,
  MetricsError,
  type MetricsErrorCode,
  type OverflowMessage,
  Registry,
  type RegistryStats,
  type ScrapeMessage,
} from '../src/index.js';

describe('public types', () => {
  it('types label objects from the declared label names', () => {
    const c = new Counter({ name: 'a_total', help: 'A.', labelNames: ['route', 'code'] as const, registry: null });
    expectTypeOf(c.labels)
      .parameter(0)
      .toEqualTypeOf<{ readonly route: string | number; readonly code: string | number }>();
    expectTypeOf(c.labels({ route: '/', code: 200 })).toEqualTypeOf<CounterChild>();
    // @ts-expect-error: an undeclared label
    c.inc({ route: '/', code: 200, extra: 'x' });
    // @ts-expect-error: a missing label
    c.inc({ route: '/' });
    const h = new Histogram({ name: 'h', help: 'H.', registry: null });
    // @ts-expect-error: a metric without labels takes no label object
    h.observe({ route: '/' }, 1);
    expectTypeOf(h.startTimer()).toEqualTypeOf<() => number>();
  });

  it('gives collect the metric itself as `this`', () => {
    new Counter({
      name: 'b_total',
      help: 'B.',
      labelNames: ['k'] as const,
      registry: null,
      collect() {
        expectTypeOf(this).toEqualTypeOf<Counter<'k'>>();
      },
    });
  });

  it('narrows error.code in a switch: every code is a known literal', () => {
    const describeError = (error: unknown): string => {
      if (!(error instanceof MetricsError)) return 'not ours';
      switch (error.code) {
        case 'PERF_METRICS_INVALID_NAME':
        case 'PERF_METRICS_LABEL_MISMATCH':
        case 'PERF_METRICS_INVALID_VALUE':
        case 'PERF_METRICS_DUPLICATE':
        case 'PERF_METRICS_INVALID_OPTION':
        case 'PERF_METRICS_AGGREGATION':
          return error.code;
        default: {
          const unreachable: never = error.code;
          return unreachable;
        }
      }
    };
    expectTypeOf(describeError).returns.toEqualTypeOf<string>();
    expectTypeOf<MetricsError['code']>().toEqualTypeOf<MetricsErrorCode>();
    // @ts-expect-error: not a code of this package
    const wrong: MetricsErrorCode = 'PERF_CACHE_CLOSED';
    void wrong;
  });

  it('maps each channel to its message, each carrying the instance name', () => {
    expectTypeOf<keyof MetricsChannelMessages>().toEqualTypeOf<keyof typeof channelNames>();
    expectTypeOf<(typeof channelNames)['overflow']>().toEqualTypeOf<'perf:metrics:overflow'>();
    expectTypeOf<MetricsChannelMessages['overflow']>().toEqualTypeOf<OverflowMessage>();
    expectTypeOf<MetricsChannelMessages['scrape']>().toEqualTypeOf<ScrapeMessage>();
    expectTypeOf<ScrapeMessage['name']>().toEqualTypeOf<string>();
    expectTypeOf<OverflowMessage['name']>().toEqualTypeOf<string>();
  });

  it('stats() is numbers and the name', () => {
    expectTypeOf(new Registry().stats()).toEqualTypeOf<RegistryStats>();
    expectTypeOf<Omit<RegistryStats, 'name'>[keyof Omit<RegistryStats, 'name'>]>().toEqualTypeOf<number>();
  });
});
