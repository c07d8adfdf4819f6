// Added overhead per successful async call: each case awaits the same trivial
// async function, bare (the reference) or through a breaker. Overhead =
// median(case) − median(bare); the ratios of overheads are printed after the table.
import { compare, runSuite } from '@perf/bench';
import { ConsecutiveBreaker, CountBreaker, circuitBreaker, handleAll, TimeoutStrategy, timeout, wrap } from 'cockatiel';
import Opossum from 'opossum';
import { CircuitBreaker, ConsecutiveFailures, CountWindow, OpossumBreaker } from '../src/index.js';

const work = async (): Promise<number> => 1;
const bare = () => work();

// The seed: trip after 10 consecutive failures, 30 s recovery, at most 200 concurrent calls.
const ours = new CircuitBreaker({ strategy: new ConsecutiveFailures(10), halfOpenAfterMs: 30_000, maxConcurrent: 200 });
const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(10) });
// opossum has no consecutive-failure rule; its defaults with the timeout off (ours has none either) and capacity 200.
const opossum = new Opossum(work, { timeout: false, resetTimeout: 30_000, capacity: 200 });

compare(
  'successful async call, consecutive failures',
  {
    ours: () => ours.execute(work),
    peers: { opossum: () => opossum.fire(), cockatiel: () => cockatiel.execute(work) },
  },
  { references: { bare } },
);

const oursCount = new CircuitBreaker({ strategy: new CountWindow({ size: 100, failureRateThreshold: 50 }) });
const cockatielCount = circuitBreaker(handleAll, {
  halfOpenAfter: 30_000,
  breaker: new CountBreaker({ threshold: 0.5, size: 100 }),
});
compare(
  'successful async call, failure rate over 100 calls',
  { ours: () => oursCount.execute(work), peers: { cockatiel: () => cockatielCount.execute(work) } },
  { references: { bare } },
);

// With a per-call timeout (opossum's default is 10 s): a timer per call in every library; `work` takes no
// parameter, so ours skips the AbortSignal it could not use.
const oursTimed = new CircuitBreaker({ strategy: new ConsecutiveFailures(10), timeoutMs: 10_000 });
const opossumTimed = new Opossum(work, { timeout: 10_000, resetTimeout: 30_000 });
const cockatielTimed = wrap(timeout(10_000, TimeoutStrategy.Aggressive), cockatiel);
compare(
  'successful async call, 10 s timeout',
  {
    ours: () => oursTimed.execute(work),
    peers: { opossum: () => opossumTimed.fire(), cockatiel: () => cockatielTimed.execute(work) },
  },
  { references: { bare } },
);

// The same, with a function that takes the signal: then ours creates an AbortController per call, as cockatiel always does.
const workWithSignal = async (_signal: AbortSignal): Promise<number> => 1;
compare(
  'successful async call, 10 s timeout, fn takes the AbortSignal',
  {
    ours: () => oursTimed.execute(workWithSignal),
    peers: { cockatiel: () => cockatielTimed.execute(({ signal }) => workWithSignal(signal)) },
  },
  { references: { bare } },
);

// The drop-in adapter against the library it replaces, same options.
const adapter = new OpossumBreaker(work, { timeout: false, resetTimeout: 30_000, capacity: 200 });
compare('opossum-shaped fire()', { ours: () => adapter.fire(), peers: { opossum: () => opossum.fire() } });

const result = await runSuite(import.meta.url);

// The goals (no timeout) are on the added overhead, which the harness's ratio of medians does not show.
const goals: Record<string, number> = { opossum: 0.1, cockatiel: 0.5 };
for (const c of result.comparisons) {
  const median = (name: string) => c.cases.find((x) => x.name === name)?.stats.p50;
  const base = median('bare');
  const mine = median('ours');
  if (base === undefined || mine === undefined) continue;
  const ourOverhead = mine - base;
  console.log(`\n${c.name}: bare ${base.toFixed(1)} ns, ours +${ourOverhead.toFixed(1)} ns`);
  for (const x of c.cases) {
    if (x.role !== 'peer') continue;
    const theirs = x.stats.p50 - base;
    const ratio = ourOverhead / theirs;
    const goal = c.name.includes('timeout') ? undefined : goals[x.name];
    const verdict = goal === undefined ? '' : ` (goal ≤ ${goal}: ${ratio <= goal ? 'met' : 'NOT MET'})`;
    console.log(`  ${x.name} +${theirs.toFixed(1)} ns; overhead ours/${x.name} = ${ratio.toFixed(3)}${verdict}`);
  }
}
