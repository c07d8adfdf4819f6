import { type ResultTable, ratios, type SuiteResult } from './results.js';

/** Human units for a time in nanoseconds. */
export function formatNs(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Human units for a byte count. */
export function formatBytes(b: number): string {
  if (Math.abs(b) < 1024) return `${b.toFixed(0)} B`;
  if (Math.abs(b) < 1024 ** 2) return `${(b / 1024).toFixed(1)} KB`;
  return `${(b / 1024 ** 2).toFixed(1)} MB`;
}

/** An extra figure by the unit its name ends with: `peakRssBytes` 82.0 MB, `gcMs` 12.5 ms, `cpuPercent` 3.1%. */
export function formatExtra(name: string, v: number): string {
  const label = name.replace(/(Bytes|Ms|Percent)$/, '').replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
  if (name.endsWith('Bytes')) return `${label} ${formatBytes(v)}`;
  if (name.endsWith('Ms')) return `${label} ${v.toFixed(1)} ms`;
  if (name.endsWith('Percent')) return `${label} ${v.toFixed(1)}%`;
  return `${label} ${Number(v.toPrecision(4))}`;
}

/** A goal's bound for display: 1/20 as `0.05`, 2/3 as `0.667`. */
export function formatGoal(atMost: number): string {
  return String(Number(atMost.toPrecision(3)));
}

/** `0.12× (8.3× faster)`: the ratio ours/peer, and what it means for a reader. */
export function formatRatio(r: number): string {
  const words = r <= 1 ? `${(1 / r).toFixed(1)}× faster` : `${r.toFixed(2)}× slower`;
  return `${r.toFixed(3)} (${words})`;
}

/** A recorded table's value as shown: its decimals and unit, `–` when not measured. */
export function formatCell(value: number | null, column: ResultTable['columns'][number]): string {
  if (value === null) return '–';
  const text = value.toFixed(column.decimals ?? 1);
  return `${Number(text) === 0 ? text.replace('-', '') : text}${column.unit ?? ''}`; // no "-0.0"
}

/** A recorded table as plain-text columns, then its notes. */
export function formatResultTable(t: ResultTable): string {
  const rows = [
    [t.name, ...t.columns.map((c) => c.name)],
    ...t.rows.map((r) => [r.label, ...r.values.map((v, i) => formatCell(v, t.columns[i]!))]),
  ];
  return [alignColumns(rows), ...(t.notes ?? [])].join('\n');
}

/** One row per case: its median, and for peers the ratio ours/peer and the goal, if any; then the recorded tables. */
export function formatTable(suites: readonly SuiteResult[]): string {
  const timings = formatTimings(suites);
  const tables = suites.flatMap((s) => s.tables ?? []).map(formatResultTable);
  return [...(suites.some((s) => s.comparisons.length > 0) ? [timings] : []), ...tables].join('\n\n');
}

function formatTimings(suites: readonly SuiteResult[]): string {
  const rows: string[][] = [['benchmark', 'case', 'median', 'p99', 'ours/peer', 'goal', 'also measured']];
  for (const suite of suites) {
    for (const c of suite.comparisons) {
      const rs = ratios(c);
      for (const x of c.cases) {
        const r = rs.find((y) => y.name === x.name);
        const goal = r?.goal ? `≤ ${formatGoal(r.goal.atMost)} ${r.met ? 'met' : 'NOT MET'}` : '';
        rows.push([
          x.role === 'ours' ? c.name : '',
          x.name,
          formatNs(x.stats.p50),
          formatNs(x.stats.p99),
          r ? formatRatio(r.ratio) : '',
          goal,
          Object.entries(x.extra ?? {})
            .map(([name, v]) => formatExtra(name, v))
            .join(', '),
        ]);
      }
    }
  }
  return alignColumns(rows);
}

/** Rows of cells as plain-text columns, each as wide as its widest cell. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
