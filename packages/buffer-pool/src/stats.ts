import type { SizeClass } from './sizeClass.js';

/** Counters of one size class. */
export interface SizeClassStats {
  readonly capacity: number;
  readonly acquires: number;
  /** Acquires served by a retained buffer. */
  readonly hits: number;
  /** Acquires that allocated a new buffer. */
  readonly misses: number;
  readonly releases: number;
  /** Releases not retained because a cap was reached. */
  readonly dropped: number;
  readonly retainedBuffers: number;
  readonly retainedBytes: number;
  /** hits / acquires, 0 before the first acquire. */
  readonly hitRate: number;
}

/** What `pool.stats()` returns: pool-wide totals and one entry per class. */
export interface BufferPoolStats {
  readonly name: string;
  /** Every acquire, pooled or unpooled. */
  readonly acquires: number;
  readonly hits: number;
  readonly misses: number;
  /** Oversize acquires served with an unpooled buffer (`oversize: 'allocate'`). */
  readonly unpooled: number;
  /** Accepted releases, pooled or unpooled. */
  readonly releases: number;
  /** Releases not retained (caps reached, or unpooled). */
  readonly dropped: number;
  /** Releases of buffers this pool never handed out (ignored outside debug mode). */
  readonly foreignReleases: number;
  /** Releases of buffers already released (ignored outside debug mode). */
  readonly doubleReleases: number;
  /** Debug mode: leases garbage-collected without release. */
  readonly leaked: number;
  readonly retainedBuffers: number;
  readonly retainedBytes: number;
  /** hits / pooled acquires, 0 before the first acquire. */
  readonly hitRate: number;
  readonly classes: readonly SizeClassStats[];
}

export interface PoolCounters {
  readonly retainedBytes: number;
  readonly foreignReleases: number;
  readonly doubleReleases: number;
  readonly leaked: number;
}

export function statsOf(
  name: string,
  classes: readonly SizeClass[],
  unpooled: SizeClass,
  pool: PoolCounters,
): BufferPoolStats {
  let hits = 0;
  let misses = 0;
  let releases = unpooled.releases;
  let dropped = unpooled.dropped;
  let retainedBuffers = 0;
  const perClass = classes.map((c): SizeClassStats => {
    hits += c.hits;
    misses += c.misses;
    releases += c.releases;
    dropped += c.dropped;
    retainedBuffers += c.free.length;
    return {
      capacity: c.capacity,
      acquires: c.acquires,
      hits: c.hits,
      misses: c.misses,
      releases: c.releases,
      dropped: c.dropped,
      retainedBuffers: c.free.length,
      retainedBytes: c.free.length * c.capacity,
      hitRate: c.acquires === 0 ? 0 : c.hits / c.acquires,
    };
  });
  return {
    name,
    acquires: hits + misses + unpooled.acquires,
    hits,
    misses,
    unpooled: unpooled.acquires,
    releases,
    dropped,
    foreignReleases: pool.foreignReleases,
    doubleReleases: pool.doubleReleases,
    leaked: pool.leaked,
    retainedBuffers,
    retainedBytes: pool.retainedBytes,
    hitRate: hits + misses === 0 ? 0 : hits / (hits + misses),
    classes: perClass,
  };
}
