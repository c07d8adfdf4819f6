import { compare, runSuite } from '@perf/bench';

const o = { n: 0 };
const m = new Map([['a', 0]]);
compare('field inc', { ours: () => o.n++, peers: { map: () => m.set('a', m.get('a')! + 1) } });
await runSuite(import.meta.url);
