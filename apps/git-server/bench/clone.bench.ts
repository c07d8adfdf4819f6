// Time to clone a 50 MB repository with the real git CLI (protocol v2, no
// checkout: the transfer and the indexing of the pack, which is what a server
// can make faster or slower), in one run, the cases taking turns:
//   ours                      this app (dist/main.js), token in a Basic header
//   git http-backend          nginx + fcgiwrap + git http-backend, anonymous
//   file system (file://)     git's own transport to upload-pack over a pipe: the limit of any server
//   file system (hardlinks)   `git clone --local`: no transfer at all (a reference, not a goal)
// and 50 clones at once through each server, with the peak memory of its processes.
// Goals (issue 18): ours ≤ 1.15 × file://, ours ≤ 1 × http-backend.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, runSuite } from '@perf/bench';
import { benchRepo, GIT, gitEnv, type RepoName } from './repos.js';
import { ensureHttpBackend, type Served, startHttpBackend, startOurs, treeRss } from './servers.js';

const RUNS = Number(process.env.GIT_BENCH_RUNS ?? 8);
const CONCURRENT = 50;

const work = mkdtempSync(join(tmpdir(), 'git-server-bench-'));
const home = join(work, 'home');
const repos = { 'many-commits': benchRepo('many-commits'), 'large-files': benchRepo('large-files') };
const root = join(repos['many-commits'], '..');

let clones = 0;
function clone(source: string, extra: readonly string[] = [], local = false): Promise<void> {
  const dir = join(work, `clone-${clones++}`);
  const args = [...extra, 'clone', '--quiet', '--no-checkout', ...(local ? ['--local'] : []), source, dir];
  return new Promise((resolve, reject) => {
    execFile(GIT, args, { env: gitEnv(home) }, (error, _stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (error) reject(new Error(`git ${args.join(' ')} failed: ${stderr}`));
      else resolve();
    });
  });
}

const fromServer = (server: Served, name: RepoName) => () => clone(`${server.base}/${name}.git`, server.gitArgs);

const ours = await startOurs(work, repos);
const skip = ensureHttpBackend();
if (skip !== undefined) console.log(`bench: git http-backend left out: ${skip}`);
const backend = skip === undefined ? await startHttpBackend(work, root) : undefined;
const HTTP_BACKEND = 'git http-backend (nginx + fcgiwrap)';

try {
  for (const name of ['many-commits', 'large-files'] as const) {
    compare(
      `clone 50 MB, ${name === 'many-commits' ? '3,400 commits' : '5 files of 10 MB'}`,
      {
        ours: fromServer(ours, name),
        peers: {
          ...(backend ? { [HTTP_BACKEND]: fromServer(backend, name) } : {}),
          'file system (file://)': () => clone(`file://${repos[name]}`),
        },
      },
      {
        runs: RUNS,
        goals: [
          { peer: 'file system (file://)', atMost: 1.15 },
          ...(backend ? [{ peer: HTTP_BACKEND, atMost: 1 }] : []),
        ],
        references: { 'file system (hardlinks, --local)': () => clone(repos[name], [], true) },
        rss: {
          ours: () => treeRss(ours.pids()),
          ...(backend ? { [HTTP_BACKEND]: () => treeRss(backend.pids()) } : {}),
        },
      },
    );
  }
  const burst = (server: Served) => () =>
    Promise.all(Array.from({ length: CONCURRENT }, fromServer(server, 'large-files'))).then(() => undefined);
  compare(
    `${CONCURRENT} concurrent clones of 50 MB (5 files of 10 MB)`,
    { ours: burst(ours), peers: backend ? { [HTTP_BACKEND]: burst(backend) } : {} },
    {
      runs: Number(process.env.GIT_BENCH_BURST_RUNS ?? 2),
      goals: backend ? [{ peer: HTTP_BACKEND, atMost: 1 }] : [],
      rss: {
        ours: () => treeRss(ours.pids()),
        ...(backend ? { [HTTP_BACKEND]: () => treeRss(backend.pids()) } : {}),
      },
    },
  );
  await runSuite(import.meta.url);
} finally {
  await ours.stop();
  await backend?.stop();
  rmSync(work, { recursive: true, force: true });
}
