// Typed reads of one section's keys. Each getter records the key as known;
// a wrong value is an error naming the section, key and line. `done()` warns
// about every key nobody asked for (with a "did you mean" when it looks like
// a typo) and about Ofelia keys this scheduler does not implement, so nothing
// in the file is ignored without a word.
import type { IniEntry, IniSection } from './parse.js';
import type { ProblemList } from './problems.js';
import { closest, parseBool, parseBytes, parseCommaList, parseDuration } from './values.js';

export class SectionReader {
  readonly #section: IniSection;
  readonly #problems: ProblemList;
  readonly #known = new Set<string>();
  #errors = 0;

  constructor(section: IniSection, problems: ProblemList) {
    this.#section = section;
    this.#problems = problems;
  }

  get label(): string {
    return this.#section.label;
  }

  get line(): number {
    return this.#section.line;
  }

  /** Whether an error was reported for this section (the job must not load). */
  get failed(): boolean {
    return this.#errors > 0 || this.#section.broken;
  }

  error(key: string | undefined, message: string, line = this.#lineOf(key)): void {
    this.#errors++;
    this.#problems.error(line, this.#section.label, key, message);
  }

  warning(key: string | undefined, message: string, line = this.#lineOf(key)): void {
    this.#problems.warning(line, this.#section.label, key, message);
  }

  has(key: string): boolean {
    this.#known.add(key);
    return this.#entries(key).length > 0;
  }

  /** A single-valued string; the last one wins when repeated (gcfg), with a warning. */
  optionalString(key: string): string | undefined {
    const entry = this.#single(key);
    if (entry === undefined) return undefined;
    if (entry.value === undefined) {
      this.error(key, `needs a value: write ${key} = …`, entry.line);
      return undefined;
    }
    return entry.value;
  }

  string(key: string, fallback: string): string {
    return this.optionalString(key) ?? fallback;
  }

  /** A required non-empty string; its absence is an error. */
  required(key: string, what: string): string | undefined {
    const v = this.optionalString(key);
    if (v === undefined || v.trim() === '') {
      if (v === undefined && !this.#entries(key).some((e) => e.value === undefined)) {
        this.error(key, `is required: ${what}`, this.#section.line);
      } else if (v !== undefined) this.error(key, `is empty: ${what}`);
      return undefined;
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const entry = this.#single(key);
    if (entry === undefined) return fallback;
    if (entry.value === undefined) return true; // gcfg: a boolean key alone means true
    const b = parseBool(entry.value);
    if (b === undefined) {
      this.error(key, `got "${entry.value}"; write true or false`, entry.line);
      return fallback;
    }
    return b;
  }

  integer(key: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.optionalString(key);
    if (raw === undefined) return fallback;
    const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
      this.error(key, `got "${raw}"; write an integer from ${range.min} to ${range.max}`);
      return fallback;
    }
    return n;
  }

  /** A Go duration (`30s`, `1h30m`), in ms. */
  duration(key: string, fallback: number, range: { minMs: number; maxMs: number }): number {
    const raw = this.optionalString(key);
    if (raw === undefined) return fallback;
    const ms = parseDuration(raw);
    if (ms === undefined) {
      this.error(key, `got "${raw}"; write a duration such as 30s, 5m or 1h30m`);
      return fallback;
    }
    if (ms < range.minMs || ms > range.maxMs) {
      this.error(key, `got "${raw}"; it must be between ${range.minMs} ms and ${range.maxMs} ms`);
      return fallback;
    }
    return ms;
  }

  /** A byte size (`256KB`, `2.5MB`). */
  bytes(key: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.optionalString(key);
    if (raw === undefined) return fallback;
    const n = parseBytes(raw);
    if (n === undefined || n < range.min || n > range.max) {
      this.error(key, `got "${raw}"; write a size from ${range.min} bytes to ${range.max} bytes, such as 256KB or 2MB`);
      return fallback;
    }
    return n;
  }

  oneOf<const T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optionalString(key);
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (!(allowed as readonly string[]).includes(v)) {
      this.error(key, `got "${raw}"; write one of ${allowed.join(', ')}`);
      return fallback;
    }
    return v as T;
  }

  /** A repeatable key (gcfg multi-valued): one value per line; a line with the key alone empties the list. */
  list(key: string): string[] {
    this.#known.add(key);
    let values: string[] = [];
    for (const e of this.#entries(key)) {
      if (e.value === undefined) values = [];
      else values.push(e.value);
    }
    return values;
  }

  /** A comma-separated list, possibly over several lines. */
  commaList(key: string): string[] {
    return this.list(key).flatMap(parseCommaList);
  }

  /**
   * Keys Ofelia knows that this scheduler does not implement: each present one
   * is a warning saying what to use instead.
   */
  unsupported(keys: Readonly<Record<string, string>>): void {
    for (const [key, hint] of Object.entries(keys)) {
      this.#known.add(key);
      const entry = this.#entries(key)[0];
      if (entry !== undefined)
        this.warning(key, `is an Ofelia key this scheduler does not implement and is ignored: ${hint}`, entry.line);
    }
  }

  /** Warns about every key of the section that no getter asked for. */
  done(): void {
    const reported = new Set<string>();
    for (const e of this.#section.entries) {
      if (this.#known.has(e.key) || reported.has(e.key)) continue;
      reported.add(e.key);
      const guess = closest(e.key, this.#known);
      this.warning(
        e.key,
        `unknown key, ignored${guess === undefined ? '' : `: did you mean ${guess}?`} (known keys of [${this.#section.name}]: ${[...this.#known].sort().join(', ')})`,
        e.line,
      );
    }
  }

  #entries(key: string): IniEntry[] {
    return this.#section.entries.filter((e) => e.key === key);
  }

  #single(key: string): IniEntry | undefined {
    this.#known.add(key);
    const all = this.#entries(key);
    if (all.length > 1) {
      const last = all[all.length - 1] as IniEntry;
      this.warning(key, `is set ${all.length} times; the last one (line ${last.line}) is used`, last.line);
    }
    return all[all.length - 1];
  }

  #lineOf(key: string | undefined): number {
    if (key === undefined) return this.#section.line;
    const all = this.#entries(key);
    return all[all.length - 1]?.line ?? this.#section.line;
  }
}
