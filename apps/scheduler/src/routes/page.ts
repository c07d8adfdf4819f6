// The web page at /: the jobs with their schedule, next run and last result,
// a run-now and a pause/resume button each, and the history of the selected
// job, refreshed every two seconds from the JSON API. Everything the API
// returns is put in the page as text (textContent), never as HTML.
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Scheduler</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
  h1 { font-size: 1.3rem; margin: 0 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  .meta { color: #57606a; margin-bottom: 1rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
  th { background: #f6f8fa; font-weight: 600; }
  tr.selected td { background: #ddf4ff; }
  code { font: 12px ui-monospace, monospace; }
  button { font: inherit; padding: .15rem .6rem; margin-right: .3rem; cursor: pointer; }
  .succeeded { color: #1a7f37; } .failed, .timed-out { color: #cf222e; } .skipped { color: #9a6700; } .running { color: #0969da; }
  .problems { background: #fff8c5; border: 1px solid #d4a72c; padding: .5rem .8rem; margin-bottom: 1rem; }
  .problems li.error { color: #cf222e; }
  pre { white-space: pre-wrap; max-height: 16rem; overflow: auto; background: #f6f8fa; padding: .5rem; margin: .3rem 0 0; }
  #message { min-height: 1.2em; color: #cf222e; }
</style>
</head>
<body>
<h1>Scheduler</h1>
<div class="meta" id="meta">loading…</div>
<div id="message" role="status"></div>
<div class="problems" id="problems" hidden><strong>Problems in the jobs file</strong><ul></ul></div>
<table id="jobs">
  <thead><tr><th>Job</th><th>Type</th><th>Schedule</th><th>Next run</th><th>Last run</th><th>Running</th><th></th></tr></thead>
  <tbody></tbody>
</table>
<h2 id="history-title">History</h2>
<table id="history">
  <thead><tr><th>Started</th><th>Trigger</th><th>Status</th><th>Exit</th><th>Duration</th><th>Instance</th><th>Error / output</th></tr></thead>
  <tbody></tbody>
</table>
<script>
'use strict';
let selected = new URLSearchParams(location.search).get('job');
const $ = (s) => document.querySelector(s);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
};
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const ms = (n) => (n == null ? '—' : n < 1000 ? n + ' ms' : (n / 1000).toFixed(n < 10000 ? 2 : 0) + ' s');

async function post(path) {
  const headers = { 'content-type': 'application/json' };
  const token = sessionStorage.getItem('scheduler-token');
  if (token) headers.authorization = 'Bearer ' + token;
  let res = await fetch(path, { method: 'POST', headers, body: '{}' });
  if (res.status === 401) {
    const t = prompt('This scheduler needs its ADMIN_TOKEN for that:');
    if (!t) return;
    sessionStorage.setItem('scheduler-token', t);
    return post(path);
  }
  const body = await res.json().catch(() => ({}));
  $('#message').textContent = res.ok ? '' : (body.message || res.statusText);
  await refresh();
}

function jobRow(job) {
  const last = job.lastRun;
  const tr = el('tr', { 'data-job': job.name, class: job.name === selected ? 'selected' : '' },
    el('td', {}, el('a', { href: '?job=' + encodeURIComponent(job.name), onclick: (e) => { e.preventDefault(); select(job.name); } }, job.name)),
    el('td', {}, job.type),
    el('td', {}, el('code', {}, job.schedule), job.timezone ? ' (' + job.timezone + ')' : ''),
    el('td', { class: 'next' }, job.paused ? 'paused' : when(job.nextRun)),
    el('td', { class: 'last' }, last ? el('span', { class: last.status }, last.status) : '—', last ? ' ' + when(last.startedAt) : ''),
    el('td', {}, job.running ? el('span', { class: 'running' }, job.running + ' running') : job.queued ? job.queued + ' queued' : ''),
    el('td', {},
      el('button', { type: 'button', class: 'run-now', onclick: () => post('/api/jobs/' + encodeURIComponent(job.name) + '/run') }, 'Run now'),
      el('button', { type: 'button', class: job.paused ? 'resume' : 'pause', onclick: () => post('/api/jobs/' + encodeURIComponent(job.name) + (job.paused ? '/resume' : '/pause')) }, job.paused ? 'Resume' : 'Pause')));
  return tr;
}

function runRow(run) {
  const detail = el('td', {});
  if (run.error) detail.append(el('div', { class: 'error' }, run.error));
  if (run.output) detail.append(el('details', {}, el('summary', {}, 'output' + (run.outputTruncated ? ' (truncated)' : '')), el('pre', {}, run.output)));
  return el('tr', { 'data-run': run.id },
    el('td', {}, when(run.startedAt)),
    el('td', {}, run.trigger),
    el('td', { class: 'status ' + run.status }, run.status),
    el('td', {}, run.exitCode),
    el('td', {}, ms(run.durationMs)),
    el('td', {}, run.instance),
    detail);
}

function select(name) {
  selected = name;
  history.replaceState(null, '', '?job=' + encodeURIComponent(name));
  refresh();
}

async function refresh() {
  const data = await (await fetch('/api/jobs')).json();
  $('#meta').textContent = data.jobs.length + ' jobs · instance ' + data.instance + ' · coordinator ' + data.coordinator;
  const problems = $('#problems');
  problems.hidden = data.problems.length === 0;
  problems.querySelector('ul').replaceChildren(...data.problems.map((p) => el('li', { class: p.severity }, p.text)));
  if (!selected && data.jobs.length > 0) selected = data.jobs[0].name;
  $('#jobs tbody').replaceChildren(...data.jobs.map(jobRow));
  if (selected) {
    const res = await fetch('/api/jobs/' + encodeURIComponent(selected) + '/runs?limit=20');
    const runs = res.ok ? (await res.json()).runs : [];
    $('#history-title').textContent = 'History of ' + selected;
    $('#history tbody').replaceChildren(...runs.map(runRow));
  }
}

refresh();
setInterval(() => refresh().catch(() => {}), 2000);
</script>
</body>
</html>
`;

export function pageRoutes(app: FastifyInstance): void {
  app.get('/', async (_req, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
      .send(PAGE),
  );
}
