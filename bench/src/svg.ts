// The few pieces the dashboard's charts are drawn with: escaping, log scales,
// ticks. Plain strings of SVG, generated in Node: no browser library, no CDN.

export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `key="value"` pairs, escaped; undefined values are left out. */
export function attrs(a: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${esc(v!)}"`)
    .join(' ');
}

export interface Scale {
  (v: number): number;
  readonly min: number;
  readonly max: number;
}

/** Log scale from [min, max] onto [from, to], padded so that nothing sits on the edge. */
export function logScale(values: readonly number[], from: number, to: number, pad = 1.25): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  let min = Math.min(...finite) / pad;
  let max = Math.max(...finite) * pad;
  if (finite.length === 0) [min, max] = [1, 10];
  if (max / min < 4) {
    const mid = Math.sqrt(min * max);
    [min, max] = [mid / 2, mid * 2];
  }
  const lmin = Math.log10(min);
  const span = Math.log10(max) - lmin;
  const f = (v: number) => from + ((Math.log10(v) - lmin) / span) * (to - from);
  return Object.assign(f, { min, max });
}

/** 1-2-5 ticks inside the scale's range, thinned to decades when there are too many. */
export function logTicks(s: Scale, max = 7): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(s.min)); e <= Math.ceil(Math.log10(s.max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= s.min && v <= s.max) out.push(v);
    }
  }
  return out.length > max ? out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9) : out;
}

export const COLORS = {
  ours: '#2563eb',
  peers: ['#ea580c', '#16a34a', '#9333ea', '#db2777', '#0891b2'],
  reference: '#6b7280',
  met: '#15803d',
  notMet: '#b91c1c',
  grid: '#e5e7eb',
  axis: '#6b7280',
  text: '#111827',
} as const;

/** A stable colour per case of a comparison: ours blue, peers in order, references grey. */
export function caseColor(role: string, index: number): string {
  if (role === 'ours') return COLORS.ours;
  if (role === 'reference') return COLORS.reference;
  return COLORS.peers[index % COLORS.peers.length]!;
}
