// One cached value with its absolute deadlines. A class (not object literals)
// so every entry has the same hidden shape and the hit path stays monomorphic.

export class Entry<V> {
  /** The value as a settled promise, made on the first `getOrLoad` hit and reused. */
  resolved: Promise<V> | undefined = undefined;

  constructor(
    /** The value; `undefined` only for a negative entry. */
    public readonly value: V | undefined,
    /** Fresh until this time (Infinity: no TTL). */
    public readonly expiresAt: number,
    /** Served stale while a background refresh runs, until this time. */
    public readonly staleWhileRevalidateUntil: number,
    /** Served stale when a refresh fails, until this time. */
    public readonly staleIfErrorUntil: number,
    /** Tags for `invalidateTag`; undefined when none. */
    public readonly tags: readonly string[] | undefined,
    /** Set on a negative entry: the cached load error. */
    public readonly error: unknown,
    /** Whether this entry caches a load error. */
    public readonly negative: boolean,
  ) {}

  /** After this time the entry is of no use at all and may be dropped. */
  get usableUntil(): number {
    return Math.max(this.expiresAt, this.staleWhileRevalidateUntil, this.staleIfErrorUntil);
  }
}
