import { describe, expectTypeOf, it } from 'vitest';
import { Counter, type CounterChild, Histogram } from '../src/index.js';

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
});
