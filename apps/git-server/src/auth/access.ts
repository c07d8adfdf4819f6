// Role lookups through @perf/cache: the answer for (repository, subject) is
// one small integer kept in process (and in Redis for a fleet), so a cached
// check is a string concatenation and an LRU hit. Every change to a
// repository's rows drops what the cache holds for it, here and, through the
// Redis tier's bus, in every other instance.
import type { Cache } from '@perf/cache';
import type { RepoAccess } from './roles.js';

export type AccessLoader = (repo: string, subject: string) => Promise<RepoAccess>;

// NUL never occurs in a repository name, so the first NUL splits the key unambiguously.
const keyOf = (repo: string, subject: string): string => `${repo}\u0000${subject}`;
const tagOf = (repo: string): string => `repo:${repo}`;

export class AccessCache {
  readonly #cache: Cache<RepoAccess>;
  readonly #load: AccessLoader;

  constructor(cache: Cache<RepoAccess>, load: AccessLoader) {
    this.#cache = cache;
    this.#load = load;
  }

  /** What `subject` ('' for anonymous) may do with `repo`; synchronous on a hit. */
  access(repo: string, subject: string): RepoAccess | Promise<RepoAccess> {
    const key = keyOf(repo, subject);
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    return this.#cache.getOrLoad(key, () => this.#load(repo, subject), { tags: [tagOf(repo)] });
  }

  /** After a grant changed. */
  forgetGrant(repo: string, subject: string): Promise<boolean> {
    return this.#cache.delete(keyOf(repo, subject));
  }

  /** After the repository was created, deleted or changed visibility: every subject's answer. */
  forgetRepo(repo: string): Promise<number> {
    return this.#cache.invalidateTag(tagOf(repo));
  }
}
