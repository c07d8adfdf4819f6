import { describe, expectTypeOf, it } from 'vitest';
import { Counter, Histogram, MetricsError, Registry, } from '../src/index.js';
describe('public types', () => {
    it('types label objects from the declared label names', () => {
        const c = new Counter({ name: 'a_total', help: 'A.', labelNames: ['route', 'code'], registry: null });
        expectTypeOf(c.labels)
            .parameter(0)
            .toEqualTypeOf();
        expectTypeOf(c.labels({ route: '/', code: 200 })).toEqualTypeOf();
        // @ts-expect-error: an undeclared label
        c.inc({ route: '/', code: 200, extra: 'x' });
        // @ts-expect-error: a missing label
        c.inc({ route: '/' });
        const h = new Histogram({ name: 'h', help: 'H.', registry: null });
        // @ts-expect-error: a metric without labels takes no label object
        h.observe({ route: '/' }, 1);
        expectTypeOf(h.startTimer()).toEqualTypeOf();
    });
    it('gives collect the metric itself as `this`', () => {
        new Counter({
            name: 'b_total',
            help: 'B.',
            labelNames: ['k'],
            registry: null,
            collect() {
                expectTypeOf(this).toEqualTypeOf();
            },
        });
    });
    it('narrows error.code in a switch: every code is a known literal', () => {
        const describeError = (error) => {
            if (!(error instanceof MetricsError))
                return 'not ours';
            switch (error.code) {
                case 'PERF_METRICS_INVALID_NAME':
                case 'PERF_METRICS_LABEL_MISMATCH':
                case 'PERF_METRICS_INVALID_VALUE':
                case 'PERF_METRICS_DUPLICATE':
                case 'PERF_METRICS_INVALID_OPTION':
                case 'PERF_METRICS_AGGREGATION':
                    return error.code;
                default: {
                    const unreachable = error.code;
                    return unreachable;
                }
            }
        };
        expectTypeOf(describeError).returns.toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        // @ts-expect-error: not a code of this package
        const wrong = 'PERF_CACHE_CLOSED';
        void wrong;
    });
    it('maps each channel to its message, each carrying the instance name', () => {
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
    });
    it('stats() is numbers and the name', () => {
        expectTypeOf(new Registry().stats()).toEqualTypeOf();
        expectTypeOf().toEqualTypeOf();
    });
});
//# sourceMappingURL=types.test-d.js.map