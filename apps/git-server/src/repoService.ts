// What the API does to repositories, in one place so that every change drops
// exactly the cached answers it makes wrong: the role cache for the
// repository (creation, deletion, visibility) or for one subject (grants), the
// repository's stats (a push) and the pool statistics (anything that changes
// what is on disk).
import type { Database } from '@perf/app-kit';
import type { BufferPoolStats } from '@perf/buffer-pool';
import type { Cache, Memo } from '@perf/cache';
import type { CircuitBreakerStats } from '@perf/circuit-breaker';
import type { AccessCache } from './auth/access.js';
import type { Role } from './auth/roles.js';
import type { RepoStats, Repositories } from './git/repositories.js';
import type { Grant, RepoRecord, RepoStore } from './storage/repoStore.js';

export interface DiskTotals {
  readonly repositories: number;
  readonly diskBytes: number;
  readonly computedAt: string;
}

export interface PoolStats extends DiskTotals {
  readonly gitProcesses: CircuitBreakerStats;
  readonly bufferPool: BufferPoolStats;
}

export interface RepoServiceDeps {
  readonly db: Database;
  /** Runs a database call through the database breaker. */
  readonly guard: <T>(call: () => Promise<T>) => Promise<T>;
  readonly store: RepoStore;
  readonly disk: Repositories;
  readonly access: AccessCache;
  /** Holds the stats memos; tiered in a fleet, so a push anywhere invalidates them everywhere. */
  readonly statsCache: Cache<object>;
  readonly live: () => { gitProcesses: CircuitBreakerStats; bufferPool: BufferPoolStats };
}

export class RepoService {
  readonly #d: RepoServiceDeps;
  readonly #repoStats: Memo<[string], RepoStats>;
  readonly #totals: Memo<[], DiskTotals>;

  constructor(deps: RepoServiceDeps) {
    this.#d = deps;
    // Computing stats runs three git commands: at most once a minute per repository, or right after a push.
    this.#repoStats = deps.statsCache.memo((name: string) => deps.disk.stats(name), {
      name: 'repo-stats',
      key: (name) => name,
      ttl: 60_000,
    });
    // Walking the repositories folder: at most every 30 s, or after a creation, deletion or push.
    this.#totals = deps.statsCache.memo(
      async (): Promise<DiskTotals> => ({
        repositories: await deps.guard(() => deps.store.count()),
        diskBytes: await deps.disk.totalBytes(),
        computedAt: new Date().toISOString(),
      }),
      { name: 'pool-totals', ttl: 30_000 },
    );
  }

  /** Creates the row, the owner's admin grant and the bare repository together; undefined when the name is taken. */
  async create(
    owner: string,
    spec: { name: string; public: boolean; description: string },
  ): Promise<RepoRecord | undefined> {
    const created = await this.#d.guard(() =>
      this.#d.db.transaction(async (tx) => {
        const record = await this.#d.store.insert(tx, { ...spec, owner });
        if (record !== undefined) await this.#d.disk.create(spec.name);
        return record;
      }),
    );
    if (created !== undefined) await Promise.all([this.#d.access.forgetRepo(spec.name), this.#totals.invalidate()]);
    return created;
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.#d.guard(() =>
      this.#d.db.transaction(async (tx) => {
        const gone = await this.#d.store.remove(tx, name);
        if (gone) await this.#d.disk.remove(name);
        return gone;
      }),
    );
    if (removed) {
      await Promise.all([this.#d.access.forgetRepo(name), this.#repoStats.invalidate(name), this.#totals.invalidate()]);
    }
    return removed;
  }

  async update(name: string, change: { public?: boolean }): Promise<RepoRecord | undefined> {
    let record = await this.#d.guard(() => this.#d.store.get(name));
    if (record === undefined) return undefined;
    if (change.public !== undefined && change.public !== record.public) {
      const isPublic = change.public;
      record = await this.#d.guard(() => this.#d.store.setPublic(name, isPublic));
      await this.#d.access.forgetRepo(name);
    }
    return record;
  }

  get(name: string): Promise<RepoRecord | undefined> {
    return this.#d.guard(() => this.#d.store.get(name));
  }

  list(subject: string | undefined, all: boolean): Promise<RepoRecord[]> {
    return this.#d.guard(() => this.#d.store.readable(subject, all));
  }

  grants(name: string): Promise<Grant[]> {
    return this.#d.guard(() => this.#d.store.grants(name));
  }

  async grant(name: string, subject: string, role: Role): Promise<void> {
    await this.#d.guard(() => this.#d.store.grant(name, subject, role));
    await this.#d.access.forgetGrant(name, subject);
  }

  async revoke(name: string, subject: string): Promise<boolean> {
    const revoked = await this.#d.guard(() => this.#d.store.revoke(name, subject));
    if (revoked) await this.#d.access.forgetGrant(name, subject);
    return revoked;
  }

  stats(name: string): Promise<RepoStats> {
    return this.#repoStats(name);
  }

  /** A push ran (whatever it updated): its stats and the totals are stale. */
  async pushed(name: string): Promise<void> {
    await Promise.all([this.#repoStats.invalidate(name), this.#totals.invalidate()]);
  }

  async pool(): Promise<PoolStats> {
    return { ...(await this.#totals()), ...this.#d.live() };
  }
}
