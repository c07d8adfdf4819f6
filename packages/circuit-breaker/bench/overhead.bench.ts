// Added overhead per successful async call: each case awaits the same trivial
// async function, bare (the reference) or through a breaker. Overhead =
// median(case) − median(bare); the ratios of overheads are printed after the table.
//
// The goal comparisons are made robust two ways (measured, see the README):
// - each sample awaits BATCH calls in a row, so mitata's per-iteration cost is
//   spread over 16 calls and the medians wander less from round to round;
// - they run ROUNDS times, interleaved, and the verdict is the median of the
//   per-round ratios: the first case measured in a fresh process (always
//   `ours`) runs slower, and one drifting `bare` no longer decides the result.
import { compare, runSuite } from '@perf/bench';
import { ConsecutiveBreaker, CountBreaker, circuitBreaker, handleAll, TimeoutStrategy, timeout, wrap } from 'cockatiel';
import Opossum from 'opossum';
import { CircuitBreaker, ConsecutiveFailures, CountWindow } from '../src/index.js';
import { OpossumBreaker } from '../src/opossum.js';

const work = async (): Promise<number> => 1;
const bare = () => work();

const BATCH = 16;
const ROUNDS = 3;
/** `BATCH` awaited calls of `call`, one after another. */
const batched = (call: () => Promise<unknown>) => async (): Promise<void> => {
  for (let i = 0; i < BATCH; i++) await call();
};
const batchedName = (name: string, round: number) => `${name} (×${BATCH} calls, round ${round}/${ROUNDS})`;

// The seed: trip after 10 consecutive failures, 30 s recovery, at most 200 concurrent calls.
const ours = new CircuitBreaker({ strategy: new ConsecutiveFailures(10), halfOpenAfterMs: 30_000, maxConcurrent: 200 });
const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(10) });
// opossum has no consecutive-failure rule; its defaults with the timeout off (ours has none either) and capacity 200.
const opossum = new Opossum(work, { timeout: false, resetTimeout: 30_000, capacity: 200 });

const oursCount = new CircuitBreaker({ strategy: new CountWindow({ size: 100, failureRateThreshold: 50 }) });
const cockatielCount = circuitBreaker(handleAll, {
  halfOpenAfter: 30_000,
  breaker: new CountBreaker({ threshold: 0.5, size: 100 }),
});

for (let round = 1; round <= ROUNDS; round++) {
  compare(
    batchedName('successful async call, consecutive failures', round),
    {
      ours: batched(() => ours.execute(work)),
      peers: { opossum: batched(() => opossum.fire()), cockatiel: batched(() => cockatiel.execute(work)) },
    },
    { references: { bare: batched(bare) } },
  );
  compare(
    batchedName('successful async call, failure rate over 100 calls', round),
    {
      ours: batched(() => oursCount.execute(work)),
      peers: { cockatiel: batched(() => cockatielCount.execute(work)) },
    },
    { references: { bare: batched(bare) } },
  );
}

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
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
/** Per-call overheads of one comparison (ns): `ours` and each peer minus `bare`. */
interface Round {
  readonly bare: number;
  readonly overhead: Map<string, number>;
}
const groups = new Map<string, Round[]>();
for (const c of result.comparisons) {
  const perCall = c.name.includes(`×${BATCH} calls`) ? BATCH : 1;
  const base = c.cases.find((x) => x.name === 'bare')?.stats.p50;
  if (base === undefined) continue;
  const overhead = new Map<string, number>();
  for (const x of c.cases) if (x.role !== 'reference') overhead.set(x.name, (x.stats.p50 - base) / perCall);
  const name = c.name.replace(/ \(×\d+ calls, round \d+\/\d+\)$/, '');
  groups.set(name, [...(groups.get(name) ?? []), { bare: base / perCall, overhead }]);
}
for (const [name, rounds] of groups) {
  const ourOverheads = rounds.map((r) => r.overhead.get('ours') as number);
  const fmt = (xs: readonly number[]) => xs.map((x) => x.toFixed(1)).join(', ');
  const summary = rounds.length > 1 ? ` (median of ${rounds.length} rounds: ${fmt(ourOverheads)})` : '';
  console.log(
    `\n${name}: bare ${median(rounds.map((r) => r.bare)).toFixed(1)} ns, ours +${median(ourOverheads).toFixed(1)} ns${summary}`,
  );
  const peers = [...(rounds[0]?.overhead.keys() ?? [])].filter((k) => k !== 'ours');
  for (const peer of peers) {
    const theirs = rounds.map((r) => r.overhead.get(peer) as number);
    const ratios = rounds.map((r, i) => (ourOverheads[i] as number) / (r.overhead.get(peer) as number));
    const ratio = median(ratios);
    const goal = name.includes('timeout') ? undefined : goals[peer];
    const verdict = goal === undefined ? '' : ` (goal ≤ ${goal}: ${ratio <= goal ? 'met' : 'NOT MET'})`;
    const each = rounds.length > 1 ? `; per round ${ratios.map((x) => x.toFixed(3)).join(', ')}` : '';
    console.log(
      `  ${peer} +${median(theirs).toFixed(1)} ns; overhead ours/${peer} = ${ratio.toFixed(3)}${verdict}${each}`,
    );
  }
}
