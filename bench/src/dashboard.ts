// The dashboard page: one self-contained HTML file (inline CSS and SVG), so it
// opens from file:// with no server and no network.
import { boxPlot, ratioChart, trendChart, trendRuns } from './charts.js';
import { type CompareResult, formatChange, formatP } from './compare.js';
import { fmt, type HeadlineRow } from './headline.js';
import type { HistoryRun, Trend } from './history.js';
import { describeEnvironment, type ResultTable, type RunResult } from './results.js';
import { esc } from './svg.js';
import { formatCell, formatGoal, formatNs } from './table.js';

export interface DashboardInput {
  readonly run: RunResult;
  /** Name of the results file the page is built from. */
  readonly runFile: string;
  readonly headline: readonly HeadlineRow[];
  readonly history: { readonly runs: readonly HistoryRun[]; readonly trends: readonly Trend[] };
  readonly baseline?: { readonly file: string; readonly result: CompareResult };
  /** Things the reader must know: skipped files, a baseline from elsewhere, missing benchmarks. */
  readonly notices: readonly string[];
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;color:#111827;background:#f3f4f6;margin:0}
main{max-width:1010px;margin:0 auto;padding:24px}
header{margin-bottom:16px}h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:0 0 12px}h3{font-size:15px;margin:18px 0 6px}
.env{color:#4b5563;margin:0}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px 20px;margin:16px 0}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{flex:1;min-width:150px;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px}
.card b{display:block;font-size:22px}.card span{color:#4b5563}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}th{color:#4b5563;font-weight:600}
td.num{text-align:right;white-space:nowrap}td.goal{white-space:nowrap}
tr.group th{color:#111827;background:#f9fafb;font-size:13px;padding-top:10px}
.met{color:#15803d;font-weight:600}.not-met{color:#b91c1c;font-weight:600}.muted{color:#6b7280}
.regression{color:#b91c1c;font-weight:600}.improvement{color:#15803d}
.notices{background:#fffbeb;border-color:#fcd34d}.notices li{margin:2px 0}
svg.chart{display:block;max-width:100%;height:auto}
code{background:#f3f4f6;padding:1px 4px;border-radius:4px}
footer{color:#6b7280;font-size:12px;margin:24px 0}
`;

function goalCell(r: HeadlineRow): string {
  if (!r.goal) return '<td class="muted">no goal</td>';
  const cls = r.status === 'met' ? 'met' : 'not-met';
  const caveat = r.uncertain ? ' <span class="muted">(interval straddles the goal)</span>' : '';
  return `<td class="goal"><span class="${cls}">${r.status === 'met' ? '✔ met' : '✘ not met'}</span> ≤ ${formatGoal(r.goal.atMost)}×${caveat}</td>`;
}

function headlineTable(rows: readonly HeadlineRow[]): string {
  const body = rows
    .map(
      (r, i) =>
        (i === 0 || rows[i - 1]!.package !== r.package
          ? `<tr class="group"><th colspan="6">${esc(r.package)}</th></tr>`
          : '') +
        `<tr class="headline-row" data-package="${esc(r.package)}" data-comparison="${esc(r.comparison)}" data-against="${esc(r.against)}" data-ratio="${r.ratio.estimate}">` +
        `<td>${esc(r.comparison)}</td><td>${esc(r.against)}</td>` +
        `<td class="num">${esc(formatNs(r.oursMedian))}</td><td class="num">${esc(formatNs(r.againstMedian))}</td>` +
        `<td class="num ratio">${fmt(r.ratio.estimate)}× <span class="muted">[${fmt(r.ratio.low)}–${fmt(r.ratio.high)}]</span></td>${goalCell(r)}</tr>`,
    )
    .join('');
  return `<table id="headline"><thead><tr><th>benchmark</th><th>vs</th><th>ours (median)</th><th>peer (median)</th><th>ours/peer [95% CI]</th><th>goal</th></tr></thead><tbody>${body}</tbody></table>`;
}

function baselineSection(b: NonNullable<DashboardInput['baseline']>): string {
  const rows = b.result.rows
    .filter((r) => r.verdict !== 'unchanged' || r.gated)
    .map((r) => {
      const verdict =
        r.verdict === 'regression'
          ? '<span class="regression">suspect regression</span> <span class="muted">(confirm with <code>pnpm bench:compare</code>)</span>'
          : r.verdict === 'improvement'
            ? '<span class="improvement">improvement</span>'
            : r.verdict === 'missing'
              ? '<span class="regression">missing in this run</span>'
              : esc(r.verdict);
      return (
        `<tr class="baseline-row" data-verdict="${esc(r.verdict)}"><td>${esc(r.case.label)}</td>` +
        `<td class="num">${r.baselineMedian === undefined ? '' : esc(formatNs(r.baselineMedian))}</td>` +
        `<td class="num">${r.currentMedian === undefined ? '' : esc(formatNs(r.currentMedian))}</td>` +
        `<td class="num">${r.change ? esc(formatChange(r.change)) : ''}</td><td class="num">${r.change ? esc(formatP(r.change.p)) : ''}</td><td>${verdict}</td></tr>`
      );
    })
    .join('');
  return `<section id="baseline"><h2>Against the baseline</h2><p class="muted">Baseline <code>${esc(b.file)}</code>. A suspect is a change that is significant (Mann–Whitney p &lt; ${b.result.alpha}) and at least ${Math.round(b.result.minEffect * 100)}% slower; our cases only, peers shown for context.</p><table><thead><tr><th>benchmark</th><th>baseline</th><th>current</th><th>change [95% CI]</th><th>p</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** A recorded table (e.g. hit ratios by trace) as measured: no statistics, no history. */
function resultTable(t: ResultTable, file: string): string {
  const head = `<tr><th></th>${t.columns.map((c) => `<th>${esc(c.name)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td>${r.values.map((v, i) => `<td class="num">${esc(formatCell(v, t.columns[i]!))}</td>`).join('')}</tr>`,
    )
    .join('');
  const notes = (t.notes ?? []).map((n) => `<p class="muted">${esc(n)}</p>`).join('');
  return `<div class="result-table" data-table="${esc(t.name)}"><h3>${esc(t.name)} <span class="muted">· ${esc(file)}</span></h3><table><thead>${head}</thead><tbody>${body}</tbody></table>${notes}</div>`;
}

function packageSection(input: DashboardInput, pkg: RunResult['packages'][number]): string {
  const rows = input.headline.filter((r) => r.package === pkg.package);
  const parts = [`<section class="package" data-package="${esc(pkg.package)}"><h2>${esc(pkg.package)}</h2>`];
  if (rows.length > 0) parts.push('<h3>Ours / peer (median ratio, 95% interval; dashed = goal)</h3>', ratioChart(rows));
  if (pkg.suites.length === 0)
    parts.push('<p class="regression">No results: every bench file of this package failed.</p>');
  for (const s of pkg.suites) {
    for (const c of s.comparisons) {
      const trend = input.history.trends.find(
        (t) => t.package === pkg.package && t.file === s.file && t.comparison === c.name,
      );
      parts.push(
        `<div class="comparison" data-comparison="${esc(c.name)}"><h3>${esc(c.name)} <span class="muted">· ${esc(s.file)}</span></h3>`,
        boxPlot(c),
        trend && trendRuns(trend).length > 1
          ? trendChart(trend, input.history.runs)
          : '<p class="muted">Measured in one run so far: the history appears from the second run.</p>',
        '</div>',
      );
    }
    for (const t of s.tables ?? []) parts.push(resultTable(t, s.file));
  }
  parts.push('</section>');
  return parts.join('');
}

export function renderDashboard(input: DashboardInput): string {
  const { run } = input;
  const goals = input.headline.filter((r) => r.goal);
  const met = goals.filter((r) => r.status === 'met').length;
  const suspects = input.baseline?.result.rows.filter((r) => r.verdict === 'regression').length;
  const cards = [
    `<div class="card" id="goals-card"><b class="${met === goals.length ? 'met' : 'not-met'}">${met} / ${goals.length}</b><span>goals met</span></div>`,
    `<div class="card"><b>${run.packages.length}</b><span>packages measured</span></div>`,
    `<div class="card"><b>${input.history.runs.length}</b><span>runs in the history</span></div>`,
    `<div class="card"><b class="${suspects ? 'not-met' : ''}">${suspects === undefined ? '—' : suspects}</b><span>${suspects === undefined ? 'no baseline to compare with' : 'suspect regressions vs baseline'}</span></div>`,
  ].join('');
  const notices = input.notices.length
    ? `<section class="notices" id="notices"><h2>Notices</h2><ul>${input.notices.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`
    : '';
  const e = run.env;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>@perf benchmarks · ${esc(run.startedAt)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>@perf benchmarks</h1><p class="env" id="env">${esc(describeEnvironment(e))} · commit ${esc(e.commit.slice(0, 10))}${e.dirty ? ' (dirty)' : ''} · ${esc(run.startedAt)}</p></header>
<div class="cards">${cards}</div>
${notices}
<section id="ours-vs-peer"><h2>Ours vs peer</h2><p class="muted">Median time per call; ratio = ours / peer (lower is better, below 1× ours is faster), with a 95% bootstrap interval.</p>${headlineTable(input.headline)}</section>
${input.baseline ? baselineSection(input.baseline) : ''}
${run.packages.map((p) => packageSection(input, p)).join('\n')}
<footer>Built by <code>pnpm bench:report</code> from <code>${esc(input.runFile)}</code> (also in <code>data.json</code> beside this page). Boxes: p25–p75, bar = median, whiskers min–p99, log time axis. Intervals: percentile bootstrap, 1000 resamples, seed 1, over up to 1000 samples per case. Change points: a run that differs from the previous one significantly (Mann–Whitney p &lt; 0.01) and by at least 10%.</footer>
</main></body></html>
`;
}
