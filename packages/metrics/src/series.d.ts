/**
 * Label values by declared label name. Numbers are turned into strings (string
 * values are the fast path). A metric without labels takes none (`never`).
 */
export type LabelValues<L extends string> = [L] extends [never] ? never : {
    readonly [K in L]: string | number;
};
/** Label value of the one series that collects every label set past the cap. */
export declare const OVERFLOW_VALUE = "__overflow__";
export declare const IDLE = 0;
export declare const ACTIVE = 1;
export declare const DETACHED = 2;
/** One time series: a label set and its value(s). Subclasses hold the values. */
export declare abstract class Series {
    readonly table: SeriesTable<Series>;
    /** Label values in declared order. */
    readonly labelValues: readonly string[];
    /** `a="x",b="y"`: escaped once here so a scrape only concatenates. */
    readonly labelText: string;
    /** Creation time in ms since the epoch (OpenMetrics `_created`). */
    readonly createdAt: number;
    state: number;
    /** Where updates go after this series was removed and another took its label set. */
    forward: this | undefined;
    /** Last sweep at which the series had been updated (ms, from the metric's clock). */
    lastSeen: number;
    constructor(table: SeriesTable<Series>, 
    /** Label values in declared order. */
    labelValues: readonly string[], 
    /** `a="x",b="y"`: escaped once here so a scrape only concatenates. */
    labelText: string, 
    /** Creation time in ms since the epoch (OpenMetrics `_created`). */
    createdAt: number);
    /**
     * Slow path of an update: marks the series active, or re-attaches a removed
     * one. Returns the series the update must go to.
     */
    protected revive(): this;
}
/** The metric's resolved options the table needs (checked by `resolveMetricOptions`). */
export interface SeriesTableOptions {
    readonly metric: string;
    readonly labelNames: readonly string[];
    readonly maxSeries: number;
    readonly seriesTtlMs: number | undefined;
    readonly now: () => number;
    /** Called once, with the first label set past the cap. */
    readonly onOverflow: (overflow: {
        readonly name: string;
        readonly maxSeries: number;
        readonly labels: Readonly<Record<string, string>>;
    }) => void;
}
export declare class SeriesTable<S extends Series> {
    private readonly options;
    private readonly make;
    /** Name of the metric, for error messages. */
    readonly metric: string;
    readonly names: readonly string[];
    /** Every live series, in creation order (the exposition order). */
    readonly all: Set<S>;
    private readonly root;
    /** Label lookups past the cap that went to the overflow series (counted on the slow path only). */
    overflowed: number;
    private overflow;
    private warned;
    constructor(options: SeriesTableOptions, make: (labelValues: readonly string[], labelText: string, createdAt: number) => S);
    /** The cardinality cap. */
    get maxSeries(): number;
    /** The series of a label object. Hot path: one Map.get per label, then a key count. */
    get(labels: Readonly<Record<string, unknown>>): S;
    /** The series of a label object if it exists: validates, but never creates one (reading is not updating). */
    peek(labels: Readonly<Record<string, unknown>>): S | undefined;
    /** The series without labels (a metric that declared none). */
    single(): S;
    /** Validates the label object, then finds or creates its series (or the overflow series past the cap). */
    private slowGet;
    private validate;
    private find;
    private create;
    private insert;
    /** The series that counts every label set past the cap; `values` is the label set that did not fit. */
    private overflowSeries;
    /** Removes the series of these label values. A handle still bound to it re-attaches on its next update. */
    remove(labels: Readonly<Record<string, unknown>>): boolean;
    private detach;
    /** A removed series was updated through its handle: put it back, or point it at its successor. */
    reattach(series: S): S;
    /** Drops every series (their handles re-attach on their next update). */
    clear(): void;
    /** Called at each scrape: series not updated for `seriesTtlMs` are removed. */
    sweep(): void;
}
