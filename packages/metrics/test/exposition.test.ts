import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock } from '@perf/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  Counter,
  fastifyMetrics,
  Gauge,
  Histogram,
  metricsHandler,
  negotiate,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  Registry,
  Summary,
} from '../src/index.js';
import { parsePrometheusText } from './parsePrometheusText.js';

function sampleRegistry(): Registry {
  const registry = new Registry();
  const { now } = manualClock(1_700_000_000_500);
  const c = new Counter({
    name: 'http_requests_total',
    help: 'Requests by route.\nSecond "line" \\.',
    labelNames: ['route'],
    registry,
    now,
  });
  c.inc({ route: 'a\\b"c\nd' }, 3);
  c.inc({ route: '/ok' });
  new Gauge({ name: 'queue_depth', help: 'Depth.', registry, now }).set(-2.5);
  const h = new Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames: ['route'],
    buckets: [0.1, 1, 5],
    registry,
    now,
  });
  for (const v of [0.05, 0.5, 0.5, 2, 100]) h.observe({ route: '/ok' }, v);
  const s = new Summary({ name: 'size_bytes', help: 'Sizes.', percentiles: [0.5, 0.99], registry, now });
  for (let i = 1; i <= 1000; i++) s.observe(i);
  return registry;
}

describe('Prometheus text format 0.0.4', () => {
  it('parses with an independent parser: types, escaped labels, cumulative buckets with +Inf, _sum/_count', async () => {
    const text = await sampleRegistry().metrics();
    const families = parsePrometheusText(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('http_requests_total')).toMatchObject({
      type: 'COUNTER',
      help: 'Requests by route.\nSecond "line" \\.',
    });
    expect(byName.get('http_requests_total')!.metrics).toEqual([
      { value: '3', labels: { route: 'a\\b"c\nd' } },
      { value: '1', labels: { route: '/ok' } },
    ]);
    expect(byName.get('queue_depth')!.metrics).toEqual([{ value: '-2.5' }]);
    // This parser keeps only the buckets of a labelled histogram (it does the same with prom-client's output).
    expect(byName.get('latency_seconds')).toMatchObject({
      type: 'HISTOGRAM',
      metrics: [{ buckets: { '0.1': '1', '1': '3', '5': '4', '+Inf': '5' } }],
    });
    expect(text).toContain('latency_seconds_sum{route="/ok"} 103.05\nlatency_seconds_count{route="/ok"} 5\n');
    const summary = byName.get('size_bytes')!;
    expect(summary.type).toBe('SUMMARY');
    expect(summary.metrics[0]!.count).toBe('1000');
    // Quantiles are within the sketch's 1% relative accuracy of the exact ones.
    const within1Percent = (q: string, exact: number) =>
      expect(Math.abs(Number(summary.metrics[0]!.quantiles![q]) - exact) / exact).toBeLessThanOrEqual(0.01);
    within1Percent('0.5', 500);
    within1Percent('0.99', 990);
    // 0.0.4 escapes backslash and newline in HELP, not quotes.
    expect(text).toContain('# HELP http_requests_total Requests by route.\\nSecond "line" \\\\.\n');
    expect(text).toContain('http_requests_total{route="a\\\\b\\"c\\nd"} 3\n');
  });
});

describe('OpenMetrics 1.0', () => {
  it('names counter families without _total, adds _created, canonical le values and # EOF', async () => {
    const text = await sampleRegistry().metrics('openmetrics');
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('# EOF');
    expect(text).toContain('# TYPE http_requests counter\n');
    expect(text).toContain('http_requests_total{route="/ok"} 1\nhttp_requests_created{route="/ok"} 1700000000.5\n');
    expect(text).toContain('# HELP http_requests Requests by route.\\nSecond \\"line\\" \\\\.\n');
    expect(text).toContain('latency_seconds_bucket{route="/ok",le="1.0"} 3\n');
    expect(text).toContain('latency_seconds_bucket{route="/ok",le="+Inf"} 5\n');
    expect(text).toContain('latency_seconds_created{route="/ok"} 1700000000.5\n');
    expect(text).toContain('size_bytes_created 1700000000.5\n');
    // Every sample line belongs to the family declared by the # TYPE line before it.
    let family = '';
    for (const line of lines) {
      if (line.startsWith('# TYPE ')) family = line.split(' ')[2]!;
      else if (!line.startsWith('#')) expect(line.startsWith(family)).toBe(true);
    }
  });

  it('omits _sum of a histogram that saw a negative observation (it is no longer a counter)', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'delta', help: 'D.', buckets: [0, 1], registry, now: manualClock(0).now });
    h.observe(-2);
    h.observe(0.5);
    const om = await registry.metrics('openmetrics');
    expect(om).not.toContain('delta_sum');
    expect(om).toContain('delta_count 2\n');
    // The 0.0.4 format has no such rule: _sum stays.
    expect(await registry.metrics()).toContain('delta_sum -1.5\n');
  });

  it('omits _sum of a histogram with a negative bucket bound', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'temp', help: 'T.', buckets: [-10, 0, 10], registry, now: manualClock(0).now });
    h.observe(3);
    expect(await registry.metrics('openmetrics')).not.toContain('temp_sum');
  });

  it('is chosen by the Accept header', () => {
    expect(negotiate('application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5')).toBe('openmetrics');
    expect(negotiate('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiate(undefined)).toBe('prometheus');
  });
});

describe('the format argument', () => {
  it('refuses a format it does not write, instead of answering in another one', async () => {
    await expect(new Registry().metrics('json' as never)).rejects.toMatchObject({
      code: 'PERF_METRICS_INVALID_OPTION',
      option: 'format',
      message: '@perf/metrics: option format must be "prometheus" or "openmetrics", received "json"',
    });
  });
});

describe('serving /metrics', () => {
  it('node:http handler negotiates the format over real HTTP', async () => {
    const server = createServer(metricsHandler(sampleRegistry())).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const plain = await fetch(url);
      expect(plain.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
      expect(parsePrometheusText(await plain.text()).length).toBe(4);
      const om = await fetch(url, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(om.headers.get('content-type')).toBe(OPENMETRICS_CONTENT_TYPE);
      expect((await om.text()).endsWith('# EOF\n')).toBe(true);
    } finally {
      server.close();
    }
  });

  it('answers 500 with the reason when a collect callback throws', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'broken',
      help: 'Throws.',
      registry,
      collect() {
        throw new Error('stats() unavailable');
      },
    });
    const server = createServer(metricsHandler(registry)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('stats() unavailable');
    } finally {
      server.close();
    }
  });

  it('fastify plugin adds GET /metrics', async () => {
    const app = Fastify();
    await app.register(fastifyMetrics, { registry: sampleRegistry() });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { accept: 'application/openmetrics-text' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(OPENMETRICS_CONTENT_TYPE);
      expect(res.body).toContain('# TYPE http_requests counter');
    } finally {
      await app.close();
    }
  });
});

describe('large scrapes', () => {
  it('yield to the event loop while writing 10,000 series', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'big_total', help: 'Big.', labelNames: ['id'], maxSeries: 20_000, registry });
    for (let i = 0; i < 10_000; i++) c.inc({ id: String(i) });
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const text = await registry.metrics();
    done = true;
    expect(text.split('\n').filter((l) => l.startsWith('big_total{')).length).toBe(10_000);
    // 10,000 series in slices of 2,000: the loop ran between slices.
    expect(ticks).toBeGreaterThanOrEqual(4);
  });
});
