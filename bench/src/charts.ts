// The dashboard's three charts as inline SVG strings. Every mark carries its
// number in a data-* attribute and a visible label, so a reader (and the
// browser test) can check the picture against the JSON it was drawn from.
import { fmt, type HeadlineRow } from './headline.js';
import type { HistoryRun, Trend } from './history.js';
import type { Comparison } from './results.js';
import { attrs, COLORS, caseColor, esc, logScale, logTicks } from './svg.js';
import { formatBytes, formatExtra, formatGoal, formatNs } from './table.js';

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Axis ticks are round numbers: `20 ns`, `1.5 µs`, `0.1×` (no trailing zeros). */
function tick(ns: number): string {
  const [unit, div] = ns < 1e3 ? ['ns', 1] : ns < 1e6 ? ['µs', 1e3] : ns < 1e9 ? ['ms', 1e6] : ['s', 1e9];
  return `${Number((ns / div).toPrecision(3))} ${unit}`;
}

/** Long names are cut with an ellipsis (the full name is in a <title> tooltip). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Ours/peer ratios of one package on a log axis: dot = median ratio, whisker = 95 % interval, tick = goal. */
export function ratioChart(rows: readonly HeadlineRow[]): string {
  const W = 920;
  const rowH = 36;
  const [x0, x1] = [270, 610];
  const top = 26;
  const H = top + rows.length * rowH + 34;
  const x = logScale(
    rows.flatMap((r) => [r.ratio.low, r.ratio.high, r.ratio.estimate, r.goal?.atMost ?? 1, 1]),
    x0,
    x1,
  );
  const parts: string[] = [];
  for (const t of logTicks(x)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top - 6}" y2="${H - 30}" stroke="${COLORS.grid}"/>`);
    parts.push(
      `<text x="${x(t)}" y="${H - 14}" text-anchor="middle" fill="${COLORS.axis}">${Number(t.toPrecision(3))}×</text>`,
    );
  }
  parts.push(
    `<line class="parity" x1="${x(1)}" x2="${x(1)}" y1="${top - 12}" y2="${H - 30}" stroke="${COLORS.axis}" stroke-width="1.5"/>`,
    `<text x="${x(1) - 6}" y="${top - 14}" text-anchor="end" fill="${COLORS.met}">◀ ours faster</text>`,
    `<text x="${x(1) + 6}" y="${top - 14}" fill="${COLORS.notMet}">ours slower ▶</text>`,
  );
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const color = r.status === 'not met' ? COLORS.notMet : r.status === 'met' ? COLORS.met : COLORS.ours;
    const goal = r.goal
      ? `<line class="goal" x1="${x(r.goal.atMost)}" x2="${x(r.goal.atMost)}" y1="${y - 10}" y2="${y + 10}" stroke="${COLORS.notMet}" stroke-width="2" stroke-dasharray="3 2"><title>goal ≤ ${formatGoal(r.goal.atMost)}×</title></line>`
      : '';
    const label = `${fmt(r.ratio.estimate)}× [${fmt(r.ratio.low)}–${fmt(r.ratio.high)}]`;
    const verdict = r.status
      ? ` ${r.status === 'met' ? '✔' : '✘'} goal ≤ ${formatGoal(r.goal!.atMost)}×${r.uncertain ? '?' : ''}`
      : '';
    parts.push(
      `<g class="ratio-row" ${attrs({ 'data-comparison': r.comparison, 'data-against': r.against, 'data-ratio': r.ratio.estimate, 'data-low': r.ratio.low, 'data-high': r.ratio.high, 'data-goal': r.goal?.atMost, 'data-status': r.status })}>`,
      `<text x="${x0 - 12}" y="${y - 2}" text-anchor="end" fill="${COLORS.text}"><title>${esc(`${r.comparison} vs ${r.against}`)}</title>${esc(clip(r.comparison, 40))}</text>`,
      `<text x="${x0 - 12}" y="${y + 12}" text-anchor="end" fill="${COLORS.axis}" font-size="11">vs ${esc(clip(r.against, 36))}</text>`,
      `<line x1="${x(r.ratio.low)}" x2="${x(r.ratio.high)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
      goal,
      `<circle class="ratio-dot" cx="${x(r.ratio.estimate)}" cy="${y}" r="5" fill="${color}"><title>${esc(label)}</title></circle>`,
      `<text class="ratio-label" x="${x1 + 10}" y="${y + 4}" fill="${color}">${esc(label)}${esc(verdict)}</text>`,
      '</g>',
    );
  });
  return `<svg class="chart ratio-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT} role="img" aria-label="ours/peer ratios">${parts.join('')}</svg>`;
}

/** One box per case on a log time axis: box p25–p75, bar = median, whiskers min–p99. */
export function boxPlot(c: Comparison): string {
  const W = 920;
  const rowH = 34;
  const [x0, x1] = [130, 590];
  const top = 10;
  const H = top + c.cases.length * rowH + 30;
  const x = logScale(
    c.cases.flatMap((k) => [k.stats.min, k.stats.p99]),
    x0,
    x1,
    1.1,
  );
  const parts: string[] = [];
  for (const t of logTicks(x)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top}" y2="${H - 26}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${x(t)}" y="${H - 10}" text-anchor="middle" fill="${COLORS.axis}">${esc(tick(t))}</text>`);
  }
  let peer = 0;
  c.cases.forEach((k, i) => {
    const y = top + i * rowH + rowH / 2;
    const color = caseColor(k.role, k.role === 'peer' ? peer++ : 0);
    const s = k.stats;
    const heap = s.heap ? ` · ${formatBytes(s.heap.avg)}/call` : '';
    const gc = s.gc ? ` · gc ${formatNs(s.gc.avg)}` : '';
    const extra = Object.entries(k.extra ?? {})
      .map(([name, v]) => ` · ${formatExtra(name, v)}`)
      .join('');
    parts.push(
      `<g class="box-row" ${attrs({ 'data-case': k.name, 'data-role': k.role, 'data-median': s.p50, 'data-p25': s.p25, 'data-p75': s.p75, 'data-heap': s.heap?.avg, 'data-rss': k.extra?.peakRssBytes })}>`,
      `<text x="${x0 - 10}" y="${y + 4}" text-anchor="end" fill="${COLORS.text}" font-weight="${k.role === 'ours' ? 700 : 400}"><title>${esc(k.name)}</title>${esc(clip(k.name, 18))}</text>`,
      `<line x1="${x(s.min)}" x2="${x(s.p99)}" y1="${y}" y2="${y}" stroke="${color}"/>`,
      `<line x1="${x(s.min)}" x2="${x(s.min)}" y1="${y - 6}" y2="${y + 6}" stroke="${color}"/>`,
      `<line x1="${x(s.p99)}" x2="${x(s.p99)}" y1="${y - 6}" y2="${y + 6}" stroke="${color}"/>`,
      `<rect class="box" x="${x(s.p25)}" y="${y - 10}" width="${Math.max(1, x(s.p75) - x(s.p25))}" height="20" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`,
      `<line class="box-median" x1="${x(s.p50)}" x2="${x(s.p50)}" y1="${y - 10}" y2="${y + 10}" stroke="${color}" stroke-width="3"/>`,
      `<text class="box-label" x="${x1 + 14}" y="${y + 4}" fill="${COLORS.text}">${esc(`median ${formatNs(s.p50)} · p99 ${formatNs(s.p99)}${heap}${gc}${extra}`)}</text>`,
      '</g>',
    );
  });
  return `<svg class="chart box-plot" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT} role="img" aria-label="distributions">${parts.join('')}</svg>`;
}

function shortDate(iso: string): string {
  return iso.slice(5, 16).replace('T', ' ');
}

/** The indices of the runs in which a comparison was measured, oldest first. */
export function trendRuns(t: Trend): number[] {
  return [...new Set(t.series.flatMap((s) => s.points.map((p) => p.run)))].sort((a, b) => a - b);
}

/** Median of each case run after run (log axis); change points circled in red. */
export function trendChart(t: Trend, runs: readonly HistoryRun[]): string {
  const W = 920;
  const H = 220;
  const [x0, x1, y0, y1] = [70, 740, 190, 16];
  const medians = t.series.flatMap((s) => s.points.map((p) => p.median));
  const y = logScale(medians, y0, y1, 1.3);
  // Only the runs that measured this comparison (a --filter run of another package leaves no gap).
  const present = trendRuns(t);
  const n = present.length;
  const slot = new Map(present.map((run, i) => [run, i]));
  const x = (run: number) => (n === 1 ? (x0 + x1) / 2 : x0 + (slot.get(run)! / (n - 1)) * (x1 - x0));
  const parts: string[] = [];
  for (const v of logTicks(y, 5)) {
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${x0 - 8}" y="${y(v) + 4}" text-anchor="end" fill="${COLORS.axis}">${esc(tick(v))}</text>`);
  }
  for (const i of new Set([0, n - 1, Math.floor((n - 1) / 2)])) {
    const run = present[i];
    const r = run === undefined ? undefined : runs[run];
    if (r && run !== undefined) {
      parts.push(
        `<text x="${x(run)}" y="${H - 8}" text-anchor="middle" fill="${COLORS.axis}">${esc(shortDate(r.startedAt))}</text>`,
      );
    }
  }
  let peer = 0;
  t.series.forEach((s, si) => {
    const color = caseColor(s.role, s.role === 'peer' ? peer++ : 0);
    const path = s.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.run).toFixed(1)},${y(p.median).toFixed(1)}`)
      .join(' ');
    parts.push(`<g class="trend-series" ${attrs({ 'data-case': s.name })}>`);
    parts.push(
      `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${s.role === 'ours' ? '' : ' stroke-dasharray="5 3"'}/>`,
    );
    for (const p of s.points) {
      const run = runs[p.run];
      const tip = `${s.name}: ${formatNs(p.median)} (${run ? `${shortDate(run.startedAt)}, ${run.commit.slice(0, 8)}` : ''})`;
      parts.push(
        `<circle class="trend-point" ${attrs({ 'data-run': p.run, 'data-median': p.median })} cx="${x(p.run)}" cy="${y(p.median)}" r="3" fill="${color}"><title>${esc(tip)}</title></circle>`,
      );
      if (p.changePoint) {
        const change = `change point: ${s.name} ${p.changePoint.ratio >= 1 ? '+' : ''}${((p.changePoint.ratio - 1) * 100).toFixed(0)}% (p ${p.changePoint.p < 0.001 ? '< 0.001' : `= ${p.changePoint.p.toFixed(3)}`})`;
        parts.push(
          `<circle class="change-point" ${attrs({ 'data-run': p.run, 'data-ratio': p.changePoint.ratio })} cx="${x(p.run)}" cy="${y(p.median)}" r="8" fill="none" stroke="${COLORS.notMet}" stroke-width="2"><title>${esc(change)}</title></circle>`,
        );
      }
    }
    parts.push('</g>');
    parts.push(`<rect x="${x1 + 20}" y="${y1 + si * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${x1 + 38}" y="${y1 + si * 18 + 5}" fill="${COLORS.text}">${esc(s.name)}</text>`);
  });
  if (t.series.some((s) => s.points.some((p) => p.changePoint))) {
    const ly = y1 + t.series.length * 18 + 8;
    parts.push(`<circle cx="${x1 + 26}" cy="${ly}" r="6" fill="none" stroke="${COLORS.notMet}" stroke-width="2"/>`);
    parts.push(`<text x="${x1 + 38}" y="${ly + 4}" fill="${COLORS.text}">change point</text>`);
  }
  return `<svg class="chart trend-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" ${FONT} role="img" aria-label="history">${parts.join('')}</svg>`;
}
