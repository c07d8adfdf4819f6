// Bare repositories on disk, one directory `<name>.git` per repository under
// the repositories folder. Creation and deletion go through a rename, so a
// reader never sees a half-made or half-deleted repository, and what a crash
// leaves behind (`.tmp-*`, `.trash-*`) is never mistaken for one.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitProcesses } from './processes.js';

export interface RepoStats {
  /** Bytes of the object store (loose and packed), as `git count-objects -v` reports it. */
  readonly sizeBytes: number;
  readonly branches: number;
  readonly tags: number;
  /** False when there were too many refs to read them all (8 MB of listing): the counts are lower bounds. */
  readonly refsComplete: boolean;
  readonly defaultBranch: string | undefined;
  /** The most recent commit at the tip of a branch, or null for an empty repository. */
  readonly lastCommit: {
    readonly sha: string;
    readonly branch: string;
    readonly author: string;
    readonly date: string;
    readonly subject: string;
  } | null;
  readonly computedAt: string;
}

export class GitFailedError extends Error {
  override readonly name = 'GitFailedError';
}

const tempName = (kind: string) => `.${kind}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

export class Repositories {
  readonly dir: string;
  readonly #git: GitProcesses;

  constructor(dir: string, git: GitProcesses) {
    this.dir = dir;
    this.#git = git;
  }

  /** The directory of a repository; `name` must have passed `invalidRepoName`. */
  pathOf(name: string): string {
    return join(this.dir, `${name}.git`);
  }

  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // Left by a crash during a deletion: never a repository.
    for (const entry of await readdir(this.dir)) {
      if (entry.startsWith('.trash-')) await rm(join(this.dir, entry), { recursive: true, force: true });
    }
  }

  exists(name: string): boolean {
    return existsSync(this.pathOf(name));
  }

  /** Creates an empty bare repository (default branch main). A directory left there without a database row is replaced. */
  async create(name: string): Promise<void> {
    const temp = join(this.dir, tempName('tmp'));
    try {
      const init = await this.#git.run(['init', '--quiet', '--bare', '--initial-branch=main', temp]);
      if (init.code !== 0) throw new GitFailedError(`git init failed: ${init.stderr.trim()}`);
      const target = this.pathOf(name);
      // The caller holds the database row's insert: a directory there now belongs to no repository.
      if (existsSync(target)) await this.#discard(target);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /** Moves the repository out of reach at once, then deletes it. */
  async remove(name: string): Promise<void> {
    const target = this.pathOf(name);
    if (existsSync(target)) await this.#discard(target);
  }

  async #discard(path: string): Promise<void> {
    const trash = join(this.dir, tempName('trash'));
    await rename(path, trash);
    await rm(trash, { recursive: true, force: true });
  }

  async stats(name: string): Promise<RepoStats> {
    const path = this.pathOf(name);
    const [objects, refs, head] = await Promise.all([
      this.#git.run(['-C', path, 'count-objects', '-v']),
      this.#git.run(
        [
          '-C',
          path,
          'for-each-ref',
          '--sort=-committerdate',
          '--format=%(refname)%00%(objectname)%00%(authorname)%00%(committerdate:iso-strict)%00%(subject)',
          'refs/heads',
          'refs/tags',
        ],
        { maxBytes: 8 * 1024 * 1024 },
      ),
      this.#git.run(['-C', path, 'symbolic-ref', '--quiet', 'HEAD']),
    ]);
    if (objects.code !== 0 || refs.code !== 0) {
      throw new GitFailedError(`cannot read ${name}: ${(objects.stderr || refs.stderr).trim()}`);
    }
    const counts = Object.fromEntries(
      objects.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    const sizeBytes = (Number(counts.size ?? 0) + Number(counts['size-pack'] ?? 0)) * 1024;
    let branches = 0;
    let tags = 0;
    let lastCommit: RepoStats['lastCommit'] = null;
    for (const line of refs.stdout.split('\n')) {
      if (line === '' || !line.includes('\u0000')) continue; // the truncation marker
      const [ref = '', sha = '', author = '', date = '', subject = ''] = line.split('\u0000');
      if (ref.startsWith('refs/heads/')) {
        branches++;
        lastCommit ??= { sha, branch: ref.slice('refs/heads/'.length), author, date, subject };
      } else tags++;
    }
    const headRef = head.stdout.trim();
    return {
      sizeBytes,
      branches,
      tags,
      refsComplete: !refs.truncated,
      defaultBranch: headRef.startsWith('refs/heads/') ? headRef.slice('refs/heads/'.length) : undefined,
      lastCommit,
      computedAt: new Date().toISOString(),
    };
  }

  /** Bytes on disk under the repositories folder (every file, refs and logs included). */
  async totalBytes(): Promise<number> {
    return sizeOf(this.dir);
  }
}

async function sizeOf(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return 0;
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}
