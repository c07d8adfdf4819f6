import { InvalidValueError } from './errors.js';
import { braces, Metric } from './metric.js';
import { formatValue } from './names.js';
import { resolveGaugeAggregate, resolveMetricName } from './options.js';
import { ACTIVE, Series } from './series.js';
import { startTimer } from './timer.js';
/** A pre-bound gauge series. */
export class GaugeChild extends Series {
    value = 0;
    /** Sets the value (any number but NaN). */
    set(v) {
        if (typeof v !== 'number' || Number.isNaN(v))
            throw badValue(this.table.metric, v);
        let s = this;
        if (s.state !== ACTIVE)
            s = s.revive();
        s.value = v;
    }
    /** Adds `n` (default 1; may be negative). */
    inc(n = 1) {
        if (typeof n !== 'number' || Number.isNaN(n))
            throw badValue(this.table.metric, n);
        let s = this;
        if (s.state !== ACTIVE)
            s = s.revive();
        s.value += n;
    }
    /** Subtracts `n` (default 1). */
    dec(n = 1) {
        this.inc(-n);
    }
    /** Sets the value to the current time in seconds since the epoch. */
    setToCurrentTime() {
        this.set(Date.now() / 1000);
    }
    /** Starts a timer; the returned function sets the gauge to the elapsed seconds and returns them. */
    startTimer() {
        return startTimer((seconds) => this.set(seconds));
    }
    get() {
        return this.value;
    }
}
function badValue(metric, v) {
    return new InvalidValueError(metric, v, 'pass a number (NaN is refused)');
}
/** A value that goes up and down (queue depth, pool size, temperature). */
export class Gauge extends Metric {
    type = 'gauge';
    aggregate;
    constructor(options) {
        const aggregate = resolveGaugeAggregate(resolveMetricName(options), options.aggregate);
        super(options, (table) => (v, t, c) => new GaugeChild(table, v, t, c));
        this.aggregate = aggregate;
    }
    set(a, b) {
        if (typeof a === 'object')
            this.table.get(a).set(b);
        else
            this.noLabels().set(a);
    }
    inc(a, b) {
        if (typeof a === 'object')
            this.table.get(a).inc(b);
        else
            this.noLabels().inc(a);
    }
    dec(a, b = 1) {
        if (typeof a === 'object')
            this.table.get(a).inc(-b);
        else
            this.noLabels().inc(-(a ?? 1));
    }
    setToCurrentTime(labels) {
        (labels ? this.table.get(labels) : this.noLabels()).setToCurrentTime();
    }
    startTimer(labels) {
        return (labels ? this.table.get(labels) : this.noLabels()).startTimer();
    }
    /** A handle bound to one label set. */
    labels(labels) {
        return this.table.get(labels);
    }
    get(labels) {
        return labels ? (this.table.peek(labels)?.value ?? 0) : this.noLabels().value;
    }
    writeSeries(out, s, _fmt) {
        out.push(`${this.name}${braces(s.labelText)} ${formatValue(s.value)}\n`);
    }
    resetSeries(s) {
        s.value = 0;
    }
    snapshotSeries(s) {
        return { labels: s.labelValues, created: s.createdAt, value: s.value };
    }
    snapshotMeta() {
        return { aggregate: this.aggregate };
    }
}
//# sourceMappingURL=gauge.js.map