// The repositories the clone benchmark serves, generated once per machine
// (seeded, so every machine serves the same bytes) and kept in the temporary
// folder: ~50 MB each once packed.
//   many-commits: 3,400 commits, each adding one 20 KB text file (base64 of
//                 random bytes: git cannot compress it much, nor delta it)
//   large-files:  five 10 MB files of random bytes in five commits
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@perf/bench';

export const GIT = '/usr/bin/git';
const VERSION = 1;

/** The environment of every git client here: no configuration of the machine's user. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function randomBytes(random: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE((random() * 0x1_0000_0000) >>> 0, Math.min(i, n - 4));
  return b;
}

function fastImport(dir: string, commits: Iterable<{ path: string; content: Buffer; message: string }>): void {
  const chunks: Buffer[] = [];
  let mark = 0;
  for (const c of commits) {
    mark++;
    const message = Buffer.from(c.message);
    chunks.push(
      Buffer.from(
        `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.com> ${1_700_000_000 + mark} +0000\ndata ${message.length}\n`,
      ),
      message,
      Buffer.from(`\n${mark > 1 ? `from :${mark - 1}\n` : ''}M 644 inline ${c.path}\ndata ${c.content.length}\n`),
      c.content,
      Buffer.from('\n'),
    );
  }
  execFileSync(GIT, ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(chunks), env: gitEnv(dir) });
  // One pack, as a served repository is after gc.
  execFileSync(GIT, ['repack', '-a', '-d', '-q'], { cwd: dir, env: gitEnv(dir) });
}

function* manyCommits(): Generator<{ path: string; content: Buffer; message: string }> {
  const random = seededRandom(1);
  for (let i = 0; i < 3_400; i++) {
    yield {
      path: `src/${i % 100}/f${i}.txt`,
      content: Buffer.from(randomBytes(random, 15_000).toString('base64')),
      message: `change ${i}`,
    };
  }
}

function* largeFiles(): Generator<{ path: string; content: Buffer; message: string }> {
  const random = seededRandom(2);
  for (let i = 0; i < 5; i++) {
    yield { path: `data/blob${i}.bin`, content: randomBytes(random, 10 * 1024 * 1024), message: `blob ${i}` };
  }
}

export const REPOS = {
  'many-commits': manyCommits,
  'large-files': largeFiles,
} as const;
export type RepoName = keyof typeof REPOS;

/** The bare repository `name`, generated on first use. */
export function benchRepo(name: RepoName): string {
  const root = join(tmpdir(), `perf-git-server-bench-v${VERSION}`);
  const dir = join(root, `${name}.git`);
  if (existsSync(join(dir, 'HEAD'))) return dir;
  mkdirSync(root, { recursive: true });
  const building = join(root, `.${name}-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  execFileSync(GIT, ['init', '--quiet', '--bare', '--initial-branch=main', building], { env: gitEnv(root) });
  console.log(`bench: generating ${name} (once per machine) in ${dir}`);
  fastImport(building, REPOS[name]());
  renameSync(building, dir);
  return dir;
}
