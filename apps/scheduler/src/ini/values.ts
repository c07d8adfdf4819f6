// Value syntaxes of the configuration: booleans as gcfg and Go's strconv read
// them, durations as Go's time.ParseDuration writes them (`1h30m`, `500ms`),
// byte sizes (`256KB`, `2.5MB`) and comma lists.

const TRUE = new Set(['true', 'yes', 'on', '1', 't']);
const FALSE = new Set(['false', 'no', 'off', '0', 'f']);

/** `true`/`yes`/`on`/`1` (gcfg) and `t` (Go's strconv), any case; undefined when it is none of them. */
export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's duration syntax in milliseconds: a sequence of decimal numbers each
 * with a unit (`300ms`, `1.5h`, `2h45m`); `0` alone is zero. Undefined when it
 * is not one (negative durations are refused: nothing here takes one).
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/u.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu)) {
    ms += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
  }
  return ms;
}

/** A duration for people: `1.5s`, `250ms`, `2h`, `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms * 1000) / 1000}ms`;
  if (ms < 60_000) return `${Math.round(ms) / 1000}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 10) / 100;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
};

/** A byte size: `4096`, `256KB`, `2.5MB` (KB = KiB = 1024 bytes, MB = MiB); undefined when it is not one. */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+\.?\d*|\.\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (m === null) return undefined;
  const unit = SIZE_UNITS[(m[2] as string).toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.floor(Number(m[1]) * unit);
}

/** `a, b ,c` → `['a', 'b', 'c']`; empty items dropped. */
export function parseCommaList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The closest of `candidates` to `word` when it is close enough to be a typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}
