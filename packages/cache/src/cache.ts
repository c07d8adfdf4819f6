// The cache: L1 (lru-cache or W-TinyLFU) with single-flight loads, stale
// serving, tags and negative entries; optionally an L2 shared by a fleet,
// whose coordination (reads, the load lock, invalidations) lives in
// secondLevelCoordinator.ts.
import { evictChannel, hitChannel, invalidateChannel, loadChannel, missChannel, staleChannel } from './channels.js';
import { Entry } from './entry.js';
import { entrySize } from './entrySize.js';
import { CacheClosedError, InvalidSizeError, LoadAbortedError, UndefinedValueError } from './errors.js';
import { type Loader, type LoadOptions, runLoader } from './loader.js';
import { LruStore } from './lruStore.js';
import { createMemo, type Memo } from './memo.js';
import {
  type CacheOptions,
  type MemoOptions,
  resolveCacheOptions,
  validateWrite,
  type WarmOptions,
  type WriteOptions,
} from './options.js';
import type { InvalidationMessage, InvalidationTarget, StoredValue } from './secondLevel.js';
import { type Loaded, type LoadInProgress, SecondLevelCoordinator } from './secondLevelCoordinator.js';
import { type CacheStats, StatsCounters } from './stats.js';
import type { RemovalReason, Store } from './store.js';
import { TinyLfuStore } from './tinyLfuStore.js';
import { type WarmReport, type WarmSource, warm } from './warm.js';

interface Flight<V> {
  promise: Promise<V>;
  readonly controller: AbortController;
  /** Set when the key was invalidated during the load: the result is returned but not stored. */
  invalidated: boolean;
  /** A waiter without a signal (or a background refresh) keeps the load alive. */
  pinned: boolean;
  /** A stale-while-revalidate refresh nobody waits for. */
  background: boolean;
  waiters: number;
  readonly tags: readonly string[] | undefined;
}

const noop = (): void => {};
const loadedValue = <V>(loaded: Loaded<V>): V => loaded.value;
// Settled promises are immutable: without a second level every write shares this.
const DONE: Promise<void> = Promise.resolve();

export class Cache<V extends NonNullable<unknown> | null> implements AsyncDisposable {
  readonly #store: Store<V>;
  readonly #stats = new StatsCounters();
  readonly #flights = new Map<string, Flight<V>>();
  readonly #tagIndex = new Map<string, Set<string>>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #name: string;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #ttl: number;
  readonly #jitter: number;
  readonly #swr: number;
  readonly #sie: number;
  readonly #negativeTtl: number;
  readonly #loadTimeout: number;
  /** Undefined without a second level. */
  readonly #secondLevel: SecondLevelCoordinator<V> | undefined;
  /** Only a `maxSize` bound can refuse an entry outright. */
  readonly #sized: boolean;
  #memoCount = 0;
  #closed = false;

  constructor(options: CacheOptions<V>) {
    const o = resolveCacheOptions(options);
    this.#name = o.name;
    this.#now = o.now;
    this.#random = o.random;
    this.#ttl = o.ttl;
    this.#jitter = o.ttlJitter;
    this.#swr = o.staleWhileRevalidateMs;
    this.#sie = o.staleIfErrorMs;
    this.#negativeTtl = o.negativeTtlMs;
    this.#loadTimeout = o.loadTimeoutMs;
    this.#sized = o.maxSize !== undefined;
    const onRemove = (key: string, entry: Entry<V>, reason: RemovalReason) => this.#onRemove(key, entry, reason);
    this.#store =
      o.policy === 'tinylfu'
        ? new TinyLfuStore<V>({
            capacity: o.maxSize ?? o.max!,
            weigh: o.sizeCalculation && entrySize(o.sizeCalculation),
            onRemove,
          })
        : new LruStore<V>({ max: o.max, maxSize: o.maxSize, sizeCalculation: o.sizeCalculation, onRemove });
    this.#secondLevel =
      o.secondLevel &&
      new SecondLevelCoordinator<V>({
        secondLevel: o.secondLevel,
        timeoutMs: o.secondLevelTimeoutMs,
        lock: o.lock,
        host: {
          name: this.#name,
          stats: this.#stats,
          now: this.#now,
          keep: (key, stored, load) => this.#keepFromL2(key, stored, load),
          invalidatedRemotely: (message) => this.#invalidatedRemotely(message),
          busRestored: () => this.#busRestored(),
        },
      });
  }

  /** Entries held in process (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.#store.size;
  }

  /** The fresh value of `key` in process, or undefined. Never reads the second level (use `getOrLoad`). */
  get(key: string): V | undefined {
    const e = this.#store.get(key);
    if (e !== undefined && !e.negative && (e.expiresAt === Number.POSITIVE_INFINITY || e.expiresAt > this.#now())) {
      this.#stats.hits++;
      if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.#name, key });
      return e.value as V;
    }
    if (e !== undefined && e.usableUntil <= this.#now()) this.#store.delete(key);
    this.#miss(key);
    return undefined;
  }

  /** Whether `key` has a fresh value in process; does not count as an access. */
  has(key: string): boolean {
    const e = this.#store.peek(key);
    return e !== undefined && !e.negative && e.expiresAt > this.#now();
  }

  /**
   * Stores a value in process at once; the returned promise settles when the
   * second level has it and other instances were told (it never rejects).
   * Throws `UndefinedValueError` for `undefined`.
   */
  set(key: string, value: V, options?: WriteOptions): Promise<void> {
    this.#assertOpen();
    if (value === undefined) throw new UndefinedValueError(key);
    validateWrite(options);
    // A load already running for this key would otherwise overwrite this newer value.
    this.#invalidateFlight(key);
    const entry = this.#write(key, value, options?.ttl, options?.tags);
    return this.#secondLevel === undefined ? DONE : this.#secondLevel.write(key, entry, true);
  }

  /**
   * The value of `key`: fresh from process, else stale while refreshing (if
   * `staleWhileRevalidateMs`), else loaded once however many callers wait
   * (through the second level when there is one). A load error reaches every
   * waiter and is not cached unless `negativeTtlMs` is set.
   */
  getOrLoad(key: string, loader: Loader<V>, options?: LoadOptions): Promise<V> {
    // Hot path kept tiny so it inlines: a fresh entry that already has its settled promise.
    const e = this.#store.get(key);
    if (
      e !== undefined &&
      e.resolved !== undefined &&
      (e.expiresAt === Number.POSITIVE_INFINITY || e.expiresAt > this.#now())
    ) {
      this.#stats.hits++;
      if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.#name, key });
      return e.resolved;
    }
    return this.#getOrLoadSlow(key, e, loader, options);
  }

  #getOrLoadSlow(
    key: string,
    e: Entry<V> | undefined,
    loader: Loader<V>,
    options: LoadOptions | undefined,
  ): Promise<V> {
    if (e === undefined) {
      this.#miss(key);
      return this.#join(key, loader, options, undefined);
    }
    if (!(e.expiresAt === Number.POSITIVE_INFINITY || e.expiresAt > this.#now())) {
      return this.#expired(key, e, loader, options);
    }
    if (e.negative) {
      this.#stats.negativeHits++;
      return Promise.reject(e.error);
    }
    this.#stats.hits++;
    if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.#name, key });
    // One settled promise per entry, reused by every later hit: no allocation on the hot path.
    e.resolved = Promise.resolve(e.value as V);
    return e.resolved;
  }

  #expired(key: string, e: Entry<V>, loader: Loader<V>, options: LoadOptions | undefined): Promise<V> {
    const now = this.#now();
    if (this.#closed) return Promise.reject(new CacheClosedError(this.#name));
    if (!e.negative && now < e.staleWhileRevalidateUntil) {
      this.#stale(key, 'revalidate');
      if (!this.#flights.has(key)) {
        const flight = this.#start(key, loader, options, e.value);
        flight.pinned = true;
        flight.background = true;
      }
      return Promise.resolve(e.value as V);
    }
    if (now >= e.usableUntil) this.#store.delete(key);
    this.#miss(key);
    const loaded = this.#join(key, loader, options, e.negative ? undefined : e.value);
    if (e.negative || !(now < e.staleIfErrorUntil)) return loaded;
    return loaded.catch((error: unknown) => {
      if (error instanceof LoadAbortedError || !(this.#now() < e.staleIfErrorUntil)) throw error;
      this.#stale(key, 'error');
      return e.value as V;
    });
  }

  /** Drops `key` here and (when tiered) in the second level and in every instance's L1. */
  delete(key: string): Promise<boolean> {
    return this.#invalidate({ keys: [key] }, this.#deleteLocal(key));
  }

  /** Drops every entry (and every key of this namespace in the second level). */
  clear(): Promise<void> {
    this.#clearLocal();
    return this.#invalidate({ clear: true }, undefined);
  }

  /** Drops every entry written with `tag`; resolves to the number dropped in process. */
  invalidateTag(tag: string): Promise<number> {
    return this.#invalidate({ tag }, this.#invalidateTagLocal(tag));
  }

  /**
   * Memoises `fn` in this cache (e.g. pool statistics with a short `ttl`);
   * concurrent calls share one computation. Call `invalidate()` when the state changes.
   */
  memo<A extends unknown[], R extends V>(fn: (...args: A) => R | Promise<R>, options?: MemoOptions<A>): Memo<A, R> {
    return createMemo<V, A, R>(this, this.#secondLevel !== undefined, `#${this.#memoCount++}`, fn, options);
  }

  /**
   * Fills the cache at start: from `[key, value]` pairs, or from keys and a
   * loader (at most `concurrency` loads at once, default 8). Failures are reported, not thrown.
   */
  warm(source: WarmSource<V>, options?: WarmOptions): Promise<WarmReport> {
    return warm(this, source, options);
  }

  /** Counters since construction and the cache's `name`, as a fresh plain object; cheap enough for every scrape. */
  stats(): CacheStats {
    return this.#stats.snapshot(
      this.#name,
      this.#store.size,
      this.#flights.size,
      this.#store,
      this.#secondLevel?.outbox,
    );
  }

  /**
   * Stops accepting writes and loads, aborts background refreshes (nobody
   * waits for them), waits for the loads callers wait for and for pending
   * second-level writes, then closes the second level.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const flight of this.#flights.values()) {
      if (flight.background) flight.controller.abort(new CacheClosedError(this.#name));
    }
    await Promise.allSettled([...[...this.#flights.values()].map((f) => f.promise), ...this.#pending]);
    // Then the second level's own pending work (the loads just finished may have started some).
    await this.#secondLevel?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ----

  #assertOpen(): void {
    if (this.#closed) throw new CacheClosedError(this.#name);
  }

  #miss(key: string): void {
    this.#stats.misses++;
    if (missChannel.hasSubscribers) missChannel.publish({ name: this.#name, key });
  }

  #stale(key: string, reason: 'revalidate' | 'error'): void {
    this.#stats.staleServed++;
    if (staleChannel.hasSubscribers) staleChannel.publish({ name: this.#name, key, reason });
  }

  #ttlOf(ttl: number | undefined): number {
    const base = ttl ?? this.#ttl;
    if (base === 0) return 0;
    return this.#jitter === 0 ? base : base * (1 - this.#jitter * this.#random());
  }

  #write(key: string, value: V, ttl: number | undefined, tags: readonly string[] | undefined): Entry<V> {
    const now = this.#now();
    const t = this.#ttlOf(ttl);
    const expiresAt = t === 0 ? Number.POSITIVE_INFINITY : now + t;
    const entry = new Entry<V>(
      value,
      expiresAt,
      this.#swr > 0 ? expiresAt + this.#swr : expiresAt,
      this.#sie > 0 ? expiresAt + this.#sie : expiresAt,
      tags && tags.length > 0 ? tags : undefined,
      undefined,
      false,
    );
    this.#put(key, entry);
    return entry;
  }

  #put(key: string, entry: Entry<V>): void {
    const stored = this.#sized ? this.#setMeasured(key, entry) : this.#store.set(key, entry);
    if (!stored) {
      // Larger than maxSize: refused (and the old value dropped): count it, never silently.
      this.#stats.tooLarge++;
      return;
    }
    // After set: replacing an entry removes the old tags first, then these go in
    // (unless W-TinyLFU's filter turned the new entry away at once).
    if (entry.tags !== undefined && this.#store.peek(key) === entry) {
      for (const tag of entry.tags) {
        let keys = this.#tagIndex.get(tag);
        if (keys === undefined) {
          keys = new Set();
          this.#tagIndex.set(tag, keys);
        }
        keys.add(key);
      }
    }
  }

  /** Stores `entry` under `maxSize`; a value the size function cannot measure is not stored, counted, and the old one dropped. */
  #setMeasured(key: string, entry: Entry<V>): boolean {
    try {
      return this.#store.set(key, entry);
    } catch (error) {
      if (!(error instanceof InvalidSizeError)) throw error;
      // The store measured before touching anything: the old value, now outdated, is still there.
      this.#store.delete(key);
      this.#stats.tooLarge++;
      throw error;
    }
  }

  #onRemove(key: string, entry: Entry<V>, reason: RemovalReason): void {
    if (entry.tags !== undefined) {
      for (const tag of entry.tags) {
        const keys = this.#tagIndex.get(tag);
        if (keys === undefined) continue;
        keys.delete(key);
        if (keys.size === 0) this.#tagIndex.delete(tag);
      }
    }
    if (reason === 'evict') this.#stats.evictions++;
    if (evictChannel.hasSubscribers) evictChannel.publish({ name: this.#name, key, reason });
  }

  #deleteLocal(key: string): boolean {
    this.#invalidateFlight(key);
    return this.#store.delete(key);
  }

  #clearLocal(): void {
    for (const key of [...this.#flights.keys()]) this.#invalidateFlight(key);
    this.#store.clear();
  }

  #invalidateTagLocal(tag: string): number {
    for (const [key, flight] of [...this.#flights]) {
      if (flight.tags?.includes(tag)) this.#invalidateFlight(key);
    }
    const keys = this.#tagIndex.get(tag);
    if (keys === undefined) return 0;
    let n = 0;
    for (const key of [...keys]) if (this.#store.delete(key)) n++;
    this.#tagIndex.delete(tag);
    return n;
  }

  /**
   * The one path of `delete`, `clear` and `invalidateTag` once L1 is done: tells
   * subscribers, then (when tiered) drops `target` in the second level and tells
   * the other instances. Resolves to `result` once the second level took it or
   * it was queued for later; never rejects.
   */
  #invalidate<T>(target: InvalidationTarget, result: T): Promise<T> {
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ name: this.#name, ...target, remote: false });
    const l2 = this.#secondLevel;
    if (l2 === undefined) return Promise.resolve(result);
    return l2.invalidate(target).then(() => result);
  }

  #invalidatedRemotely(m: InvalidationMessage): void {
    if (m.clear) this.#clearLocal();
    if (m.tag !== undefined) this.#invalidateTagLocal(m.tag);
    if (m.keys !== undefined) for (const key of m.keys) this.#deleteLocal(key);
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ ...m, name: this.#name, remote: true });
  }

  /**
   * The bus is back after a loss: invalidations sent meanwhile never reached
   * this instance, and entries written meanwhile may come from a second level
   * that such an invalidation would have cleaned. None can be trusted: drop them all.
   */
  #busRestored(): void {
    this.#clearLocal();
    if (invalidateChannel.hasSubscribers) {
      invalidateChannel.publish({ name: this.#name, clear: true, remote: false, reason: 'bus-restored' });
    }
  }

  /**
   * The running load of `key` no longer produces the current value: its result
   * is not stored, and it leaves the flight table so a caller arriving after the
   * invalidation starts a fresh load instead of receiving the old result.
   * close() still waits for it through #pending.
   */
  #invalidateFlight(key: string): void {
    const flight = this.#flights.get(key);
    if (flight === undefined) return;
    flight.invalidated = true;
    this.#detach(key, flight);
    // Nobody waits for a background refresh and its result will not be stored: stop it.
    if (flight.background) flight.controller.abort(new LoadAbortedError(key, 'invalidated'));
  }

  #detach(key: string, flight: Flight<V>): void {
    if (this.#flights.get(key) !== flight) return;
    this.#flights.delete(key);
    this.#track(flight.promise).catch(noop);
  }

  /** Joins the running load of `key` or starts one; `signal` only ends this caller's wait. */
  #join(key: string, loader: Loader<V>, options: LoadOptions | undefined, stale: V | undefined): Promise<V> {
    if (this.#closed) return Promise.reject(new CacheClosedError(this.#name));
    try {
      validateWrite(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const flight = this.#flights.get(key) ?? this.#start(key, loader, options, stale);
    flight.background = false; // someone waits for it now
    const signal = options?.signal;
    if (signal === undefined) {
      flight.pinned = true;
      return flight.promise;
    }
    if (signal.aborted) return Promise.reject(new LoadAbortedError(key, signal.reason));
    flight.waiters++;
    return new Promise<V>((resolve, reject) => {
      const onAbort = () => {
        flight.waiters--;
        const error = new LoadAbortedError(key, signal.reason);
        reject(error);
        if (flight.waiters === 0 && !flight.pinned) {
          // Aborted for good: a caller arriving now must start its own load, not inherit this abort.
          this.#detach(key, flight);
          flight.controller.abort(error);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  #start(key: string, loader: Loader<V>, options: LoadOptions | undefined, stale: V | undefined): Flight<V> {
    const flight: Flight<V> = {
      promise: undefined as unknown as Promise<V>,
      controller: new AbortController(),
      invalidated: false,
      pinned: false,
      background: false,
      waiters: 0,
      tags: options?.tags,
    };
    this.#flights.set(key, flight);
    flight.promise = this.#load(key, loader, options, stale, flight).finally(() => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    });
    // Background refreshes have no caller; their errors are counted, never unhandled.
    flight.promise.catch(noop);
    return flight;
  }

  /** A miss: through the second level when there is one, else straight to the loader. */
  #load(
    key: string,
    loader: Loader<V>,
    options: LoadOptions | undefined,
    stale: V | undefined,
    flight: Flight<V>,
  ): Promise<V> {
    const run = () => this.#runLoader(key, loader, options, stale, flight);
    const l2 = this.#secondLevel;
    return l2 === undefined ? run().then(loadedValue) : l2.load(key, flight, run);
  }

  /** Runs the loader and keeps its value in L1 (unless the key was invalidated meanwhile); caches its error with negativeTtlMs. */
  async #runLoader(
    key: string,
    loader: Loader<V>,
    options: LoadOptions | undefined,
    stale: V | undefined,
    flight: Flight<V>,
  ): Promise<Loaded<V>> {
    const started = this.#now();
    this.#stats.loads++;
    try {
      const value = await runLoader(key, loader, flight.controller, stale, this.#loadTimeout);
      if (value === undefined) throw new UndefinedValueError(key);
      const stored = !flight.invalidated && !this.#closed ? this.#writeLoaded(key, value, options) : undefined;
      if (loadChannel.hasSubscribers) {
        loadChannel.publish({ name: this.#name, key, source: 'loader', durationMs: this.#now() - started });
      }
      return { value, stored };
    } catch (error) {
      this.#stats.loadErrors++;
      if (loadChannel.hasSubscribers) {
        loadChannel.publish({ name: this.#name, key, source: 'loader', durationMs: this.#now() - started, error });
      }
      if (this.#negativeTtl > 0 && !flight.controller.signal.aborted && !flight.invalidated && !this.#closed) {
        this.#writeNegative(key, error, options?.ttl);
      }
      throw error;
    }
  }

  /** Writes a loaded value; one the size function cannot measure still reaches the waiters (counted in tooLarge). */
  #writeLoaded(key: string, value: V, options: LoadOptions | undefined): Entry<V> | undefined {
    try {
      return this.#write(key, value, options?.ttl, options?.tags);
    } catch (error) {
      if (error instanceof InvalidSizeError) return undefined;
      throw error;
    }
  }

  #writeNegative(key: string, error: unknown, ttl: number | undefined): void {
    const current = this.#store.peek(key);
    // Keep a value that stale-if-error may still serve.
    if (current !== undefined && !current.negative && this.#now() < current.staleIfErrorUntil) return;
    // Never longer than the value itself would have lived: a per-entry ttl shorter than negativeTtl bounds it.
    const bound = ttl !== undefined && ttl > 0 ? Math.min(ttl, this.#negativeTtl) : this.#negativeTtl;
    const expiresAt = this.#now() + bound;
    this.#put(key, new Entry<V>(undefined, expiresAt, expiresAt, expiresAt, undefined, error, true));
  }

  /** Keeps a value found in the second level in L1, unless its load was invalidated meanwhile or the cache is closing. */
  #keepFromL2(key: string, stored: StoredValue, load: LoadInProgress): void {
    if (load.invalidated || this.#closed) return;
    const entry = new Entry<V>(
      stored.value as V,
      stored.expiresAt,
      stored.staleWhileRevalidateUntil,
      stored.staleIfErrorUntil,
      stored.tags && stored.tags.length > 0 ? stored.tags : undefined,
      undefined,
      false,
    );
    try {
      this.#put(key, entry);
    } catch (error) {
      // Not measurable here: served, not kept in L1 (counted in tooLarge by #put).
      if (!(error instanceof InvalidSizeError)) throw error;
    }
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p)).catch(noop);
    return p;
  }
}
