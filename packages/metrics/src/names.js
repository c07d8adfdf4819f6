// Names and values as the Prometheus text format 0.0.4 and OpenMetrics 1.0 spell them.
import { InvalidNameError } from './errors.js';
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export function validateMetricName(name) {
    if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
        throw new InvalidNameError('metric', name, 'use letters, digits, _ and :, not starting with a digit');
    }
}
export function validateLabelName(name) {
    if (typeof name !== 'string' || !LABEL_NAME.test(name)) {
        throw new InvalidNameError('label', name, 'use letters, digits and _, not starting with a digit');
    }
    if (name.startsWith('__'))
        throw new InvalidNameError('label', name, 'names starting with __ are reserved');
}
const NEEDS_ESCAPE = /[\\"\n]/;
/** Label values escape `\`, `"` and newline in both formats. */
export function escapeLabelValue(value) {
    if (!NEEDS_ESCAPE.test(value))
        return value;
    return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
/** `a="x",b="y"`: a series' labels as the exposition writes them, escaped. */
export function labelText(names, values) {
    return values.map((v, i) => `${names[i]}="${escapeLabelValue(v)}"`).join(',');
}
/** HELP text: 0.0.4 escapes `\` and newline; OpenMetrics also `"`. */
export function escapeHelp(help, openMetrics) {
    const s = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return openMetrics ? s.replace(/"/g, '\\"') : s;
}
/** A sample value: Prometheus spells infinities `+Inf`/`-Inf` and not-a-number `NaN`. */
export function formatValue(v) {
    if (Number.isFinite(v))
        return String(v);
    if (v === Number.POSITIVE_INFINITY)
        return '+Inf';
    if (v === Number.NEGATIVE_INFINITY)
        return '-Inf';
    return 'NaN';
}
/**
 * A bucket bound or quantile as a label value. OpenMetrics wants the canonical
 * float spelling (`1.0`, not `1`), which 0.0.4 parsers read as well.
 */
export function formatBound(v, openMetrics) {
    if (!Number.isFinite(v))
        return formatValue(v);
    const s = String(v);
    return openMetrics && Number.isInteger(v) && !s.includes('e') ? `${s}.0` : s;
}
/**
 * Returns `s` as a flat string. A string built by concatenation is a tree of
 * pieces in V8 until something reads its characters, which flattens it in
 * place; doing that once for a string that every scrape copies saves walking
 * the tree at every scrape.
 */
export function flat(s) {
    s.charCodeAt(0);
    return s;
}
//# sourceMappingURL=names.js.map