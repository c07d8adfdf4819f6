export declare function validateMetricName(name: string): void;
export declare function validateLabelName(name: string): void;
/** Label values escape `\`, `"` and newline in both formats. */
export declare function escapeLabelValue(value: string): string;
/** `a="x",b="y"`: a series' labels as the exposition writes them, escaped. */
export declare function labelText(names: readonly string[], values: readonly string[]): string;
/** HELP text: 0.0.4 escapes `\` and newline; OpenMetrics also `"`. */
export declare function escapeHelp(help: string, openMetrics: boolean): string;
/** A sample value: Prometheus spells infinities `+Inf`/`-Inf` and not-a-number `NaN`. */
export declare function formatValue(v: number): string;
/**
 * A bucket bound or quantile as a label value. OpenMetrics wants the canonical
 * float spelling (`1.0`, not `1`), which 0.0.4 parsers read as well.
 */
export declare function formatBound(v: number, openMetrics: boolean): string;
/**
 * Returns `s` as a flat string. A string built by concatenation is a tree of
 * pieces in V8 until something reads its characters, which flattens it in
 * place; doing that once for a string that every scrape copies saves walking
 * the tree at every scrape.
 */
export declare function flat(s: string): string;
