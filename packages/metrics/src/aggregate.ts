// Merging the snapshots of several processes into one exposition: counters and
// histograms add, gauges follow their `aggregate` rule, summaries merge their
// sketches (exact, unlike averaging quantiles).
import { writeCounter } from './counter.js';
import { InvalidOptionError } from './errors.js';
import { bucketPrefixes, hasSum, leValues, writeHistogram } from './histogram.js';
import { braces, type Format, writeHeader } from './metric.js';
import { formatValue, labelText } from './names.js';
import { resolveFormat } from './options.js';
import { type ExpositionFormat, type SliceBudget, writeAll } from './registry.js';
import { QuantileSketch } from './sketch.js';
import type { MetricSnapshot, SeriesSnapshot } from './snapshot.js';
import { writeSummary } from './summary.js';

interface MergedSeries {
  readonly labels: readonly string[];
  created: number;
  values: number[];
  counts: number[] | undefined;
  sum: number;
  count: number;
  negative: boolean;
  sketch: QuantileSketch | undefined;
}

/** One metric merged from every process that has it. */
export function mergeSnapshots(perProcess: readonly (readonly MetricSnapshot[])[]): MetricSnapshot[] {
  const byName = new Map<string, { meta: MetricSnapshot; series: Map<string, MergedSeries> }>();
  for (const snapshots of perProcess) {
    for (const m of snapshots) {
      let entry = byName.get(m.name);
      if (!entry) {
        entry = { meta: m, series: new Map() };
        byName.set(m.name, entry);
      } else {
        checkSameDeclaration(entry.meta, m);
      }
      for (const s of m.series) addSeries(entry.series, s);
    }
  }
  return [...byName.values()].map(({ meta, series }) => ({
    ...meta,
    series: [...series.values()].flatMap((s) => finish(meta, s)),
  }));
}

/** One metric must be declared alike in every process: its series could not be merged otherwise. */
function checkSameDeclaration(first: MetricSnapshot, other: MetricSnapshot): void {
  const alike = (what: string) =>
    `the same as in the other processes (declare the metric alike in every worker): ${what}`;
  if (first.type !== other.type) throw new InvalidOptionError(`${other.name}.type`, alike(first.type), other.type);
  if (String(first.buckets) !== String(other.buckets)) {
    throw new InvalidOptionError(`${other.name}.buckets`, alike(`[${first.buckets?.join(', ')}]`), other.buckets);
  }
}

function addSeries(into: Map<string, MergedSeries>, s: SeriesSnapshot): void {
  const key = s.labels.join('\u0000');
  let m = into.get(key);
  if (!m) {
    m = {
      labels: s.labels,
      created: s.created,
      values: [],
      counts: undefined,
      sum: 0,
      count: 0,
      negative: false,
      sketch: undefined,
    };
    into.set(key, m);
  }
  m.created = Math.min(m.created, s.created);
  if (s.value !== undefined) m.values.push(s.value);
  if (s.counts) m.counts = m.counts ? m.counts.map((c, i) => c + s.counts![i]!) : [...s.counts];
  m.sum += s.sum ?? 0;
  m.count += s.count ?? 0;
  if (s.negative) m.negative = true;
  if (s.sketch) {
    m.sketch ??= new QuantileSketch(s.sketch.alpha);
    m.sketch.merge(s.sketch);
  }
}

function finish(meta: MetricSnapshot, s: MergedSeries): SeriesSnapshot[] {
  const base = { labels: s.labels, created: s.created };
  switch (meta.type) {
    case 'counter':
      return [{ ...base, value: s.values.reduce((a, b) => a + b, 0) }];
    case 'gauge': {
      const value = combineGauge(meta.aggregate ?? 'sum', s.values);
      return value === undefined ? [] : [{ ...base, value }];
    }
    case 'histogram':
      return [
        { ...base, counts: s.counts ?? [], sum: s.sum, count: s.count, ...(s.negative ? { negative: true } : {}) },
      ];
    case 'summary':
      return [{ ...base, sum: s.sum, count: s.count, sketch: (s.sketch ?? new QuantileSketch()).snapshot() }];
  }
}

function combineGauge(rule: MetricSnapshot['aggregate'], values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (rule) {
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'first':
      return values[0];
    case 'omit':
      return undefined;
    default:
      return values.reduce((a, b) => a + b, 0);
  }
}

/** The exposition of merged snapshots, in the same format a local registry writes. */
export async function formatSnapshots(
  snapshots: readonly MetricSnapshot[],
  format?: ExpositionFormat,
): Promise<string> {
  const fmt: Format = { openMetrics: resolveFormat('format', format) === 'openmetrics' };
  const { text } = await writeAll(
    snapshots.map((m) => ({
      write: (out: string[], _f: Format, budget: SliceBudget) => writeSnapshot(out, m, fmt, budget),
    })),
    fmt,
  );
  return text;
}

function* writeSnapshot(
  out: string[],
  m: MetricSnapshot,
  fmt: Format,
  budget: SliceBudget,
): Generator<void, void, void> {
  if (m.type === 'gauge' && m.aggregate === 'omit') return;
  writeHeader(out, m.type, m.name, m.help, fmt);
  const les = leValues(m.buckets ?? [], fmt);
  for (const s of m.series) {
    const text = labelText(m.labelNames, s.labels);
    if (m.type === 'counter') writeCounter(out, m.name, text, s.value ?? 0, s.created, fmt);
    else if (m.type === 'gauge') out.push(`${m.name}${braces(text)} ${formatValue(s.value ?? 0)}\n`);
    else if (m.type === 'histogram') {
      writeHistogram(
        out,
        m.name,
        bucketPrefixes(m.name, les, text),
        text,
        s.counts ?? [],
        hasSum(m.buckets ?? [], s.negative === true, fmt) ? (s.sum ?? 0) : undefined,
        s.count ?? 0,
        s.created,
        fmt,
      );
    } else {
      const sketch = new QuantileSketch(s.sketch?.alpha);
      if (s.sketch) sketch.merge(s.sketch);
      writeSummary(out, m.name, m.quantiles ?? [], text, sketch, s.sum ?? 0, s.count ?? 0, s.created, fmt);
    }
    if (--budget.left <= 0) yield;
  }
}
