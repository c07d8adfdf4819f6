import { Metric } from './metric.js';
/** What Histogram and Summary share: `observe`, `startTimer` and bound handles. */
export class ObservingMetric extends Metric {
    observe(a, b) {
        if (typeof a === 'object')
            this.table.get(a).observe(b);
        else
            this.noLabels().observe(a);
    }
    /** `const end = metric.startTimer(labels); ...; end()` observes the elapsed seconds (and returns them). */
    startTimer(labels) {
        return (labels ? this.table.get(labels) : this.noLabels()).startTimer();
    }
    /** A handle bound to one label set: keep it and call `observe()` on the hot path. */
    labels(labels) {
        return this.table.get(labels);
    }
}
//# sourceMappingURL=observing.js.map