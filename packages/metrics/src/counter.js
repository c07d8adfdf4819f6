import { InvalidValueError } from './errors.js';
import { braces, familyName, Metric } from './metric.js';
import { formatValue } from './names.js';
import { ACTIVE, Series } from './series.js';
/** A pre-bound counter series: `inc()` is a check and a field increment. */
export class CounterChild extends Series {
    value = 0;
    /** Adds `n` (default 1): a finite number ≥ 0. */
    inc(n = 1) {
        if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY))
            throw badIncrement(this.table.metric, n);
        let s = this;
        if (s.state !== ACTIVE)
            s = s.revive();
        s.value += n;
    }
    /** Current value. */
    get() {
        return this.value;
    }
}
function badIncrement(metric, n) {
    return new InvalidValueError(metric, n, 'a counter only goes up: pass a finite number ≥ 0');
}
/** A value that only goes up (requests served, bytes sent). Name it `..._total`. */
export class Counter extends Metric {
    type = 'counter';
    constructor(options) {
        super(options, (table) => (v, t, c) => new CounterChild(table, v, t, c));
    }
    inc(a, b) {
        if (typeof a === 'object')
            this.table.get(a).inc(b);
        else
            this.noLabels().inc(a);
    }
    /** A handle bound to one label set: keep it and call `inc()` on the hot path. */
    labels(labels) {
        return this.table.get(labels);
    }
    /** Current value of a series (0 if it does not exist yet). */
    get(labels) {
        return labels ? (this.table.peek(labels)?.value ?? 0) : this.noLabels().value;
    }
    writeSeries(out, s, fmt) {
        writeCounter(out, this.name, s.labelText, s.value, s.createdAt, fmt);
    }
    resetSeries(s) {
        s.value = 0;
    }
    snapshotSeries(s) {
        return { labels: s.labelValues, created: s.createdAt, value: s.value };
    }
}
export function writeCounter(out, name, labelText, value, created, fmt) {
    const l = braces(labelText);
    if (!fmt.openMetrics) {
        out.push(`${name}${l} ${formatValue(value)}\n`);
        return;
    }
    const family = familyName('counter', name, fmt);
    out.push(`${family}_total${l} ${formatValue(value)}\n${family}_created${l} ${created / 1000}\n`);
}
//# sourceMappingURL=counter.js.map