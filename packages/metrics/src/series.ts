// The label sets of one metric: a tree of Maps, one level per declared label,
// so a lookup by a label object costs one Map.get per label on strings that V8
// has already hashed (no key string is built per call). The tree also enforces
// the cardinality cap and expires idle series.
import { LabelMismatchError } from './errors.js';
import { labelText } from './names.js';

/**
 * Label values by declared label name. Numbers are turned into strings (string
 * values are the fast path). A metric without labels takes none (`never`).
 */
export type LabelValues<L extends string> = [L] extends [never] ? never : { readonly [K in L]: string | number };

/** Label value of the one series that collects every label set past the cap. */
export const OVERFLOW_VALUE = '__overflow__';

// A series' state, read by every update: only the first update after a sweep, or
// an update through a handle whose series was removed, takes the slow path.
export const IDLE = 0;
export const ACTIVE = 1;
export const DETACHED = 2;

/** One time series: a label set and its value(s). Subclasses hold the values. */
export abstract class Series {
  state: number = ACTIVE;
  /** Where updates go after this series was removed and another took its label set. */
  forward: this | undefined;
  /** Last sweep at which the series had been updated (ms, from the metric's clock). */
  lastSeen: number;
  constructor(
    readonly table: SeriesTable<Series>,
    /** Label values in declared order. */
    readonly labelValues: readonly string[],
    /** `a="x",b="y"`: escaped once here so a scrape only concatenates. */
    readonly labelText: string,
    /** Creation time in ms since the epoch (OpenMetrics `_created`). */
    readonly createdAt: number,
  ) {
    this.lastSeen = createdAt;
  }

  /**
   * Slow path of an update: marks the series active, or re-attaches a removed
   * one. Returns the series the update must go to.
   */
  protected revive(): this {
    if (this.state === IDLE) {
      this.state = ACTIVE;
      return this;
    }
    if (this.forward) {
      // The successor may have been removed in turn (remove, reset, TTL): follow it back in.
      if (this.forward.state !== ACTIVE) this.forward = this.forward.revive();
      return this.forward;
    }
    // The table only holds series of this one class, so what it returns is a `this`.
    const target = this.table.reattach(this) as this;
    if (target !== this) this.forward = target;
    return target;
  }
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

type Node = Map<unknown, unknown>;

export class SeriesTable<S extends Series> {
  /** Name of the metric, for error messages. */
  readonly metric: string;
  readonly names: readonly string[];
  /** Every live series, in creation order (the exposition order). */
  readonly all = new Set<S>();
  private readonly root: Node = new Map();
  /** Label lookups past the cap that went to the overflow series (counted on the slow path only). */
  overflowed = 0;
  private overflow: S | undefined;
  private warned = false;

  constructor(
    private readonly options: SeriesTableOptions,
    private readonly make: (labelValues: readonly string[], labelText: string, createdAt: number) => S,
  ) {
    this.metric = options.metric;
    this.names = options.labelNames;
  }

  /** The cardinality cap. */
  get maxSeries(): number {
    return this.options.maxSeries;
  }

  /** The series of a label object. Hot path: one Map.get per label, then a key count. */
  get(labels: Readonly<Record<string, unknown>>): S {
    if (labels === null) return this.slowGet(labels);
    const names = this.names;
    const last = names.length - 1;
    let node = this.root;
    for (let i = 0; i < last; i++) {
      const next = node.get(labels[names[i]!]) as Node | undefined;
      if (next === undefined) return this.slowGet(labels);
      node = next;
    }
    const series = node.get(labels[names[last]!]) as S | undefined;
    if (series === undefined || keyCount(labels) !== names.length || objectPrototypePolluted()) {
      return this.slowGet(labels);
    }
    return series;
  }

  /** The series of a label object if it exists: validates, but never creates one (reading is not updating). */
  peek(labels: Readonly<Record<string, unknown>>): S | undefined {
    return this.find(this.validate(labels));
  }

  /** The series without labels (a metric that declared none). */
  single(): S {
    return this.find([]) ?? this.create([]);
  }

  /** Validates the label object, then finds or creates its series (or the overflow series past the cap). */
  private slowGet(labels: Readonly<Record<string, unknown>>): S {
    const values = this.validate(labels);
    const found = this.find(values);
    if (found) return found;
    if (this.all.size >= this.options.maxSeries) return this.overflowSeries(values);
    return this.create(values);
  }

  private validate(labels: Readonly<Record<string, unknown>>): string[] {
    const { metric } = this.options;
    if (labels === null || typeof labels !== 'object') {
      throw new LabelMismatchError(metric, this.names, `labels must be an object, got ${labels}`);
    }
    // The labels are the keys `for...in` sees (what the hot path counts), minus any that a polluted
    // Object.prototype adds: those are never labels, so a missing label is not filled in from there.
    const keys = labelKeys(labels);
    const values: string[] = [];
    for (const name of this.names) {
      const v = keys.includes(name) ? labels[name] : undefined;
      if (typeof v === 'string') values.push(v);
      else if (typeof v === 'number' && Number.isFinite(v)) values.push(String(v));
      else throw new LabelMismatchError(metric, this.names, `label ${name} is ${v === undefined ? 'missing' : `${v}`}`);
    }
    if (keys.length !== this.names.length) {
      const extra = keys.filter((k) => !this.names.includes(k));
      throw new LabelMismatchError(metric, this.names, `undeclared label(s) ${extra.join(', ')}`);
    }
    return values;
  }

  private find(values: readonly string[]): S | undefined {
    const keys = path(values);
    let node: Node | undefined = this.root;
    for (let i = 0; i < keys.length - 1 && node; i++) node = node.get(keys[i]) as Node | undefined;
    return node?.get(keys[keys.length - 1]) as S | undefined;
  }

  private create(values: readonly string[]): S {
    const text = labelText(this.names, values);
    const series = this.make(values, text, this.options.now());
    this.insert(series);
    return series;
  }

  private insert(series: S): void {
    const keys = path(series.labelValues);
    let node = this.root;
    for (let i = 0; i < keys.length - 1; i++) {
      let next = node.get(keys[i]) as Node | undefined;
      if (!next) {
        next = new Map();
        node.set(keys[i], next);
      }
      node = next;
    }
    node.set(keys[keys.length - 1], series);
    this.all.add(series);
  }

  /** The series that counts every label set past the cap; `values` is the label set that did not fit. */
  private overflowSeries(values: readonly string[]): S {
    this.overflowed++;
    if (!this.overflow) {
      // In the tree like any series, so that a real label set spelled __overflow__ is the same series, not a duplicate.
      const values = this.names.map(() => OVERFLOW_VALUE);
      this.overflow = this.find(values) ?? this.create(values);
    }
    if (!this.warned) {
      this.warned = true;
      const labels: Record<string, string> = {};
      for (let i = 0; i < this.names.length; i++) labels[this.names[i]!] = values[i]!;
      this.options.onOverflow({ name: this.metric, maxSeries: this.options.maxSeries, labels });
    }
    return this.overflow;
  }

  /** Removes the series of these label values. A handle still bound to it re-attaches on its next update. */
  remove(labels: Readonly<Record<string, unknown>>): boolean {
    const series = this.find(this.validate(labels));
    if (!series) return false;
    this.detach(series);
    return true;
  }

  private detach(series: S): void {
    this.all.delete(series);
    series.state = DETACHED;
    if (series === this.overflow) this.overflow = undefined;
    const keys = path(series.labelValues);
    const nodes: Node[] = [this.root];
    for (let i = 0; i < keys.length - 1; i++) nodes.push(nodes[i]!.get(keys[i]) as Node);
    for (let i = keys.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      node.delete(keys[i]);
      if (node.size > 0) break;
    }
  }

  /** A removed series was updated through its handle: put it back, or point it at its successor. */
  reattach(series: S): S {
    const current = this.find(series.labelValues);
    if (current) return current;
    if (this.all.size >= this.options.maxSeries) return this.overflowSeries(series.labelValues);
    series.state = ACTIVE;
    this.insert(series);
    return series;
  }

  /** Drops every series (their handles re-attach on their next update). */
  clear(): void {
    for (const s of this.all) s.state = DETACHED;
    this.all.clear();
    this.root.clear();
    this.overflow = undefined;
  }

  /** Called at each scrape: series not updated for `seriesTtlMs` are removed. */
  sweep(): void {
    const ttl = this.options.seriesTtlMs;
    if (ttl === undefined) return;
    const now = this.options.now();
    for (const s of this.all) {
      // A wall clock set back: count idleness from now, or the series would outlive its TTL by the jump.
      if (now < s.lastSeen) s.lastSeen = now;
      if (s.state === ACTIVE) {
        s.state = IDLE;
        s.lastSeen = now;
      } else if (now - s.lastSeen >= ttl) {
        this.detach(s);
      }
    }
  }
}

// The key path of a label set in the tree; a metric without labels keeps its one series under NO_LABELS.
const NO_LABELS = Symbol('no labels');
function path(values: readonly string[]): readonly unknown[] {
  return values.length > 0 ? values : [NO_LABELS];
}

function keyCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

const EMPTY = Object.freeze({});

/**
 * Whether Object.prototype has an enumerable property (prototype pollution): then `for...in` counts it
 * and `labels[name]` may read it, so the hot path hands over to the slow path, which ignores it. One
 * `for...in` over an empty object: a few ns, where a hasOwn per key would cost several times that.
 */
function objectPrototypePolluted(): boolean {
  for (const _ in EMPTY) return true;
  return false;
}

/** The keys `for...in` enumerates, except those that resolve to Object.prototype (pollution). */
function labelKeys(o: object): string[] {
  const keys: string[] = [];
  for (const k in o) {
    let owner: object | null = o;
    while (owner !== null && !Object.hasOwn(owner, k)) owner = Object.getPrototypeOf(owner) as object | null;
    if (owner !== Object.prototype) keys.push(k);
  }
  return keys;
}
