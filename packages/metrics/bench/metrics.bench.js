// @perf/metrics vs prom-client 15, same inputs, one process.
import { compare, runSuite } from '@perf/bench';
import * as prom from 'prom-client';
import { Counter, Histogram, Registry } from '../src/index.js';
const routes = ['/token', '/authorize', '/introspect', '/revoke', '/jwks'];
const codes = ['200', '400', '401', '500'];
// Label objects built per call from values held in arrays, as a request handler would.
let i = 0;
const next = () => {
    i = (i + 1) % 20;
    return { route: routes[i % 5], code: codes[i % 4] };
};
const ours = new Registry();
const promRegistry = new prom.Registry();
const oursCounter = new Counter({
    name: 'requests_total',
    help: 'Requests.',
    labelNames: ['route', 'code'],
    registry: ours,
});
const promCounter = new prom.Counter({
    name: 'requests_total',
    help: 'Requests.',
    labelNames: ['route', 'code'],
    registers: [promRegistry],
});
compare('counter inc(labels)', { ours: () => oursCounter.inc(next()), peers: { 'prom-client': () => promCounter.inc(next()) } }, { goals: [{ peer: 'prom-client', atMost: 0.2 }] });
compare('counter .labels(labels).inc()', {
    ours: () => oursCounter.labels(next()).inc(),
    peers: { 'prom-client': () => promCounter.labels(next()).inc() },
}, { goals: [{ peer: 'prom-client', atMost: 0.2 }] });
const oursHist = new Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames: ['route', 'code'],
    registry: ours,
});
const promHist = new prom.Histogram({
    name: 'latency_seconds',
    help: 'Latency.',
    labelNames: ['route', 'code'],
    registers: [promRegistry],
});
const samples = Array.from({ length: 64 }, (_, k) => (k * 0.037) % 3);
let j = 0;
compare('histogram observe(labels, v)', {
    ours: () => oursHist.observe(next(), samples[j++ & 63]),
    peers: { 'prom-client': () => promHist.observe(next(), samples[j++ & 63]) },
}, { goals: [{ peer: 'prom-client', atMost: 0.2 }] });
// A pre-bound handle against a plain object field increment.
const handle = oursCounter.labels({ route: '/token', code: '200' });
const plain = { value: 0 };
const promChild = promCounter.labels({ route: '/token', code: '200' });
compare('bound handle inc()', { ours: () => handle.inc(), peers: { 'prom-client': () => promChild.inc() } }, { references: { 'plain field++': () => plain.value++ }, goals: [{ peer: 'plain field++', atMost: 2 }] });
// Scrape: 10 metrics × 20 label sets.
const scrapeOurs = new Registry();
const scrapeProm = new prom.Registry();
for (let m = 0; m < 10; m++) {
    const kind = m % 2 === 0;
    const labelNames = ['route', 'code'];
    const o = kind
        ? new Counter({ name: `c${m}_total`, help: 'C.', labelNames, registry: scrapeOurs })
        : new Histogram({ name: `h${m}_seconds`, help: 'H.', labelNames, registry: scrapeOurs });
    const p = kind
        ? new prom.Counter({ name: `c${m}_total`, help: 'C.', labelNames, registers: [scrapeProm] })
        : new prom.Histogram({ name: `h${m}_seconds`, help: 'H.', labelNames, registers: [scrapeProm] });
    for (let k = 0; k < 20; k++) {
        const labels = { route: routes[k % 5], code: codes[Math.floor(k / 5)] };
        if (o instanceof Counter)
            o.inc(labels, k);
        else
            o.observe(labels, k / 10);
        if (p instanceof prom.Counter)
            p.inc(labels, k);
        else
            p.observe(labels, k / 10);
    }
}
compare('scrape 10 metrics × 20 series', { ours: () => scrapeOurs.metrics(), peers: { 'prom-client': () => scrapeProm.metrics() } }, { goals: [{ peer: 'prom-client', atMost: 0.2 }] });
// A large scrape: one counter with 10,000 label sets. Ours yields to the event
// loop every 2,000 series (5 slices here); prom-client writes it in one go.
const bigOurs = new Registry();
const bigProm = new prom.Registry();
const bigO = new Counter({ name: 'big_total', help: 'Big.', labelNames: ['id'], maxSeries: 10_000, registry: bigOurs });
const bigP = new prom.Counter({ name: 'big_total', help: 'Big.', labelNames: ['id'], registers: [bigProm] });
for (let k = 0; k < 10_000; k++) {
    bigO.inc({ id: `client-${k}` }, k);
    bigP.inc({ id: `client-${k}` }, k);
}
compare('scrape 10,000 series', { ours: () => bigOurs.metrics(), peers: { 'prom-client': () => bigProm.metrics() } });
await runSuite(import.meta.url);
//# sourceMappingURL=metrics.bench.js.map