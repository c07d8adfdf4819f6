// Tokens per second under load, in one run: ours (the built server, one
// process) against node-oidc-provider and a bare node:http + jose server, with
// the ceiling of this machine (node:http + one raw node:crypto ES256 signature
// per request) as the reference. Each server runs in its own process on
// loopback and gets the same autocannon load in turn, after a warm-up.
//
// `pnpm bench --filter @perf/auth-server` (AUTH_BENCH_CONNECTIONS, AUTH_BENCH_SECONDS
// and AUTH_BENCH_WARMUP_SECONDS change the load; defaults 50, 10 and 3).
import { type LoadCase, runLoadSuite, sampleStats } from '@perf/bench';
import { type LoadOptions, type LoadRun, loadTokens } from './load.js';
import { checkIssuesTokens } from './tokenCheck.js';
import { type PeerName, startOurs, startPeer, type TokenServer } from './tokenServers.js';

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0, got "${raw}"`);
  return value;
}

const options: LoadOptions = {
  connections: positiveInteger('AUTH_BENCH_CONNECTIONS', 50),
  seconds: positiveInteger('AUTH_BENCH_SECONDS', 10),
  warmupSeconds: positiveInteger('AUTH_BENCH_WARMUP_SECONDS', 3),
  intervalMs: 100,
};

const servers: TokenServer[] = [];
const stopAll = () => Promise.all(servers.map((s) => s.stop()));
process.once('SIGINT', () => stopAll().finally(() => process.exit(130)));

try {
  const { server: ours, request } = await startOurs();
  servers.push(ours);
  const peers: PeerName[] = ['oidc-provider', 'bare jose', 'ceiling'];
  for (const name of peers) servers.push(await startPeer(name, request));
  for (const server of servers) await checkIssuesTokens(server, request);
  console.log(
    `auth-server bench: ${servers.length} servers issue the same ES256 token; each gets ${options.connections} connections ` +
      `for ${options.warmupSeconds} s (warm-up) + ${options.seconds} s, in turn`,
  );

  // One load run per server, shared by both comparisons; a server stops once measured.
  const runs = new Map<string, Promise<LoadRun>>();
  const measured = (server: TokenServer): Promise<LoadRun> => {
    let run = runs.get(server.name);
    if (run === undefined) {
      run = loadTokens(server.tokenUrl, request, options).finally(() => server.stop());
      runs.set(server.name, run);
    }
    return run;
  };
  const byName = (name: string) => servers.find((s) => s.name === name)!;
  const perToken =
    (name: string): LoadCase =>
    async () =>
      (await measured(byName(name))).nsPerToken;
  const latency =
    (name: string): LoadCase =>
    async () =>
      (await measured(byName(name))).latenciesNs;

  const load = `${options.connections} connections`;
  await runLoadSuite(import.meta.url, [
    {
      // ns per token: ours/peer ≤ 1/3 is ≥ 3× the peer's tokens per second.
      name: `time per token (1/tokens per s), ${load}`,
      ours: perToken('ours'),
      peers: { 'oidc-provider': perToken('oidc-provider'), 'bare jose': perToken('bare jose') },
      references: { ceiling: perToken('ceiling') },
      goals: [
        { peer: 'oidc-provider', atMost: 1 / 3 },
        { peer: 'bare jose', atMost: 2 / 3 },
      ],
    },
    {
      name: `token latency, ${load}`,
      ours: latency('ours'),
      peers: { 'oidc-provider': latency('oidc-provider'), 'bare jose': latency('bare jose') },
      references: { ceiling: latency('ceiling') },
    },
  ]);
  console.log(await formatRuns(runs));
} finally {
  await stopAll();
}

async function formatRuns(runs: ReadonlyMap<string, Promise<LoadRun>>): Promise<string> {
  const done = new Map<string, LoadRun>();
  for (const [name, run] of runs) done.set(name, await run);
  const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
  const rows = [['server', 'tokens/s', 'median tokens/s', 'p50 latency', 'p99 latency', 'non-2xx', 'errors']];
  for (const [name, run] of done) {
    const latencies = run.latenciesNs.length > 0 ? sampleStats(run.latenciesNs) : undefined;
    rows.push([
      name,
      run.tokensPerSecond.toFixed(0),
      run.nsPerToken.length > 0 ? (1e9 / sampleStats(run.nsPerToken).p50).toFixed(0) : '-',
      latencies ? ms(latencies.p50) : '-',
      latencies ? ms(latencies.p99) : '-',
      String(run.non2xx),
      String(run.errors),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
  const ours = done.get('ours');
  const lines = [table];
  if (ours) {
    const median = (run: LoadRun) => sampleStats(run.nsPerToken).p50;
    for (const [peer, goal] of [
      ['oidc-provider', 3],
      ['bare jose', 1.5],
    ] as const) {
      const other = done.get(peer);
      if (!other) continue;
      const times = median(other) / median(ours);
      lines.push(
        `ours = ${times.toFixed(2)}× ${peer}'s tokens/s (goal ≥ ${goal}×: ${times >= goal ? 'met' : 'NOT MET'})`,
      );
    }
    const ceiling = done.get('ceiling');
    if (ceiling) lines.push(`our share of the ceiling: ${((100 * median(ceiling)) / median(ours)).toFixed(0)}%`);
  }
  const errors = [...done].filter(([, run]) => run.non2xx + run.errors > 0).map(([name]) => name);
  if (errors.length > 0)
    lines.push(`WARNING: non-2xx answers or errors from ${errors.join(', ')}: they are not counted as tokens`);
  return lines.join('\n');
}
