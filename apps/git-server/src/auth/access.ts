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
  // Building `repo\0subject` for every request and hashing the new string costs
  // ~150 ns; the key is kept per subject and repository instead, so a request
  // hashes only its (short) repository name. Bounded: cleared when full.
  readonly #keys = new Map<string, Map<string, string>>();

  constructor(cache: Cache<RepoAccess>, load: AccessLoader) {
    this.#cache = cache;
    this.#load = load;
  }

  /** What `subject` ('' for anonymous) may do with `repo`; synchronous on a hit. */
  access(repo: string, subject: string): RepoAccess | Promise<RepoAccess> {
    const key = this.#key(repo, subject);
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    return this.#cache.getOrLoad(key, () => this.#load(repo, subject), { tags: [tagOf(repo)] });
  }

  #key(repo: string, subject: string): string {
    let bySubject = this.#keys.get(subject);
    if (bySubject === undefined) {
      if (this.#keys.size >= 10_000) this.#keys.clear();
      bySubject = new Map();
      this.#keys.set(subject, bySubject);
    }
    let key = bySubject.get(repo);
    if (key === undefined) {
      if (bySubject.size >= 1_000) bySubject.clear();
      key = keyOf(repo, subject);
      bySubject.set(repo, key);
    }
    return key;
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
