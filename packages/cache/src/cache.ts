// The cache: L1 (lru-cache or W-TinyLFU) with single-flight loads, stale
// serving, tags and negative entries; optionally an L2 shared by a fleet.
import { randomUUID } from 'node:crypto';
import {
  evictChannel,
  hitChannel,
  invalidateChannel,
  l2ErrorChannel,
  loadChannel,
  missChannel,
  staleChannel,
} from './channels.js';
import { coarseNow } from './clock.js';
import { Entry } from './entry.js';
import { entrySize } from './entrySize.js';
import {
  CacheClosedError,
  InvalidationsUndeliveredError,
  InvalidSizeError,
  LoadAbortedError,
  UndefinedValueError,
} from './errors.js';
import { applyInvalidation, InvalidationOutbox, invalidationOp } from './invalidationOutbox.js';
import { type Loader, type LoadOptions, runLoader } from './loader.js';
import { LruStore } from './lruStore.js';
import { createMemo, type Memo, type MemoOptions } from './memo.js';
import { type CacheOptions, validateOptions, validateWrite, type WriteOptions } from './options.js';
import type { InvalidationMessage, SecondLevel, StoredValue } from './secondLevel.js';
import { boundedCall, FAILED } from './secondLevelCall.js';
import { type CacheStats, StatsCounters } from './stats.js';
import type { RemovalReason, Store } from './store.js';
import { TinyLfuStore } from './tinyLfuStore.js';
import { type WarmOptions, type WarmReport, type WarmSource, warm } from './warm.js';

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
// Settled promises are immutable: without a second level every write shares these.
const DONE: Promise<void> = Promise.resolve();
const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);
/** Default bound of the invalidations queued while the second level is unreachable. */
const MAX_QUEUED_INVALIDATIONS = 1_000;
/** A queued invalidation is tried again this often when no reconnect comes first (a stall does not reconnect). */
const INVALIDATION_RETRY_MS = 1_000;

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
  readonly #l2: SecondLevel | undefined;
  readonly #l2Timeout: number;
  readonly #lock: { readonly ttl: number; readonly pollInterval: number } | undefined;
  /** Invalidations the second level has not taken yet; undefined without a second level. */
  readonly #outbox: InvalidationOutbox | undefined;
  readonly #id = randomUUID();
  /** Only a `maxSize` bound can refuse an entry outright. */
  readonly #sized: boolean;
  #memoCount = 0;
  #closed = false;

  constructor(options: CacheOptions<V>) {
    validateOptions(options);
    this.#name = options.name ?? 'cache';
    this.#now = options.now ?? coarseNow;
    this.#random = options.random ?? Math.random;
    this.#ttl = options.ttl ?? 0;
    this.#jitter = options.ttlJitter ?? 0;
    this.#swr = options.staleWhileRevalidate ?? 0;
    this.#sie = options.staleIfError ?? 0;
    this.#negativeTtl = options.negativeTtl ?? 0;
    this.#loadTimeout = options.loadTimeout ?? 0;
    this.#l2 = options.secondLevel;
    this.#sized = options.maxSize !== undefined;
    this.#l2Timeout = options.secondLevelTimeout ?? 100;
    this.#lock = options.lock && { ttl: options.lock.ttl, pollInterval: options.lock.pollInterval ?? 20 };
    const onRemove = (key: string, entry: Entry<V>, reason: RemovalReason) => this.#onRemove(key, entry, reason);
    this.#store =
      options.policy === 'tinylfu'
        ? new TinyLfuStore<V>({
            capacity: options.maxSize ?? options.max!,
            weigh: options.sizeCalculation && entrySize(options.sizeCalculation),
            onRemove,
          })
        : new LruStore<V>({
            max: options.max,
            maxSize: options.maxSize,
            sizeCalculation: options.sizeCalculation,
            onRemove,
          });
    const l2 = this.#l2;
    if (l2 === undefined) {
      this.#outbox = undefined;
    } else {
      this.#outbox = new InvalidationOutbox({
        limit: l2.maxQueuedInvalidations ?? MAX_QUEUED_INVALIDATIONS,
        retryMs: INVALIDATION_RETRY_MS,
        send: (item) => this.#sendInvalidation(item),
      });
      l2.subscribe((m) => this.#onRemoteInvalidation(m), {
        busRestored: () => this.#onBusRestored(),
        reconnected: () => void this.#outbox!.flush(),
      });
    }
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
      if (hitChannel.hasSubscribers) hitChannel.publish({ cache: this.#name, key });
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
    return this.#l2Write(key, entry, true);
  }

  /**
   * The value of `key`: fresh from process, else stale while refreshing (if
   * `staleWhileRevalidate`), else loaded once however many callers wait
   * (through the second level when there is one). A load error reaches every
   * waiter and is not cached unless `negativeTtl` is set.
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
      if (hitChannel.hasSubscribers) hitChannel.publish({ cache: this.#name, key });
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
    if (hitChannel.hasSubscribers) hitChannel.publish({ cache: this.#name, key });
    // One settled promise per entry, reused by every later hit: no allocation on the hot path.
    e.resolved = Promise.resolve(e.value as V);
    return e.resolved;
  }

  #expired(key: string, e: Entry<V>, loader: Loader<V>, options: LoadOptions | undefined): Promise<V> {
    const now = this.#now();
    if (this.#closed) return Promise.reject(new CacheClosedError());
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
    const had = this.#deleteLocal(key);
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ cache: this.#name, keys: [key], remote: false });
    if (this.#l2 === undefined) return had ? TRUE : FALSE;
    return this.#track(this.#invalidateL2({ origin: this.#id, keys: [key] }).then(() => had));
  }

  /** Drops every entry (and every key of this namespace in the second level). */
  clear(): Promise<void> {
    this.#clearLocal();
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ cache: this.#name, clear: true, remote: false });
    if (this.#l2 === undefined) return DONE;
    return this.#track(this.#invalidateL2({ origin: this.#id, clear: true }));
  }

  /** Drops every entry written with `tag`; resolves to the number dropped in process. */
  invalidateTag(tag: string): Promise<number> {
    const dropped = this.#invalidateTagLocal(tag);
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ cache: this.#name, tag, remote: false });
    if (this.#l2 === undefined) return Promise.resolve(dropped);
    return this.#track(this.#invalidateL2({ origin: this.#id, tag }).then(() => dropped));
  }

  /**
   * Memoises `fn` in this cache (e.g. pool statistics with a short `ttl`);
   * concurrent calls share one computation. Call `invalidate()` when the state changes.
   */
  memo<A extends unknown[], R extends V>(fn: (...args: A) => R | Promise<R>, options?: MemoOptions<A>): Memo<A, R> {
    return createMemo<V, A, R>(this, this.#l2 !== undefined, `#${this.#memoCount++}`, fn, options);
  }

  /**
   * Fills the cache at start: from `[key, value]` pairs, or from keys and a
   * loader (at most `concurrency` loads at once, default 8). Failures are reported, not thrown.
   */
  warm(source: WarmSource<V>, options?: WarmOptions): Promise<WarmReport> {
    return warm(this, source, options);
  }

  /** Counters since construction, as a plain object; cheap enough for every scrape. */
  stats(): CacheStats {
    return this.#stats.snapshot(this.#store.size, this.#flights.size, this.#store, this.#outbox);
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
      if (flight.background) flight.controller.abort(new CacheClosedError());
    }
    await Promise.allSettled([...[...this.#flights.values()].map((f) => f.promise), ...this.#pending]);
    const outbox = this.#outbox;
    if (outbox !== undefined) {
      // One last attempt; what still cannot be sent is reported, never dropped silently.
      outbox.close();
      await outbox.flush();
      if (outbox.size > 0) this.#onL2Error('publish', new InvalidationsUndeliveredError(outbox.size));
    }
    await this.#l2?.close().catch(noop);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- internals ----

  #assertOpen(): void {
    if (this.#closed) throw new CacheClosedError();
  }

  #miss(key: string): void {
    this.#stats.misses++;
    if (missChannel.hasSubscribers) missChannel.publish({ cache: this.#name, key });
  }

  #stale(key: string, reason: 'revalidate' | 'error'): void {
    this.#stats.staleServed++;
    if (staleChannel.hasSubscribers) staleChannel.publish({ cache: this.#name, key, reason });
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
    if (evictChannel.hasSubscribers) evictChannel.publish({ cache: this.#name, key, reason });
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

  #onRemoteInvalidation(m: InvalidationMessage): void {
    if (m.origin === this.#id) return;
    if (m.clear) this.#clearLocal();
    if (m.tag !== undefined) this.#invalidateTagLocal(m.tag);
    if (m.keys !== undefined) for (const key of m.keys) this.#deleteLocal(key);
    this.#stats.remoteInvalidations++;
    if (invalidateChannel.hasSubscribers) invalidateChannel.publish({ cache: this.#name, ...m, remote: true });
  }

  /**
   * The bus is back after a loss: invalidations sent meanwhile never reached
   * this instance, and entries written meanwhile may come from a second level
   * that such an invalidation would have cleaned. None can be trusted: drop them all.
   */
  #onBusRestored(): void {
    this.#clearLocal();
    this.#stats.busRecoveries++;
    if (invalidateChannel.hasSubscribers) {
      invalidateChannel.publish({ cache: this.#name, clear: true, remote: false, reason: 'bus-restored' });
    }
    void this.#outbox!.flush();
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
    if (this.#closed) return Promise.reject(new CacheClosedError());
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

  async #load(
    key: string,
    loader: Loader<V>,
    options: LoadOptions | undefined,
    stale: V | undefined,
    flight: Flight<V>,
  ): Promise<V> {
    const started = this.#now();
    const l2 = this.#l2;
    // Once a second-level call of this miss has failed or timed out, the rest of the miss does
    // without it: a stalled Redis costs a miss one secondLevelTimeout, not one per call.
    let l2Failed = false;
    if (l2 !== undefined) {
      const found = await this.#fromL2(key, l2, flight);
      if (found === FAILED) l2Failed = true;
      else if (found !== undefined) return found;
    }
    let lockToken: string | undefined;
    let maybeLockToken: string | undefined;
    if (l2 !== undefined && this.#lock !== undefined && !l2Failed) {
      const token = randomUUID();
      // A failed lock call loads without the lock: L2 trouble never blocks a read.
      const got = await this.#l2Call('acquireLock', () => l2.acquireLock(key, token, this.#lock!.ttl));
      if (got === false) {
        const found = await this.#awaitPeer(key, l2, flight);
        if (found !== undefined) return found;
      } else if (got === true) lockToken = token;
      // Timed out: the SET NX may still land after our deadline, so release it like a held lock
      // (a no-op when it never landed) instead of leaving the fleet waiting for lock.ttl.
      else maybeLockToken = token;
    }
    let written = DONE;
    try {
      if (lockToken !== undefined) {
        // The holder before us may have finished between our miss and our lock: look once more.
        const found = await this.#fromL2(key, l2!, flight);
        if (found !== undefined && found !== FAILED) return found;
      }
      this.#stats.loads++;
      const value = await runLoader(key, loader, flight.controller, stale, this.#loadTimeout);
      if (value === undefined) throw new UndefinedValueError(key);
      if (!flight.invalidated && !this.#closed) {
        const entry = this.#writeLoaded(key, value, options);
        if (entry !== undefined) written = this.#l2Write(key, entry, false);
      }
      if (loadChannel.hasSubscribers) {
        loadChannel.publish({ cache: this.#name, key, source: 'loader', durationMs: this.#now() - started });
      }
      return value;
    } catch (error) {
      this.#stats.loadErrors++;
      if (loadChannel.hasSubscribers) {
        loadChannel.publish({ cache: this.#name, key, source: 'loader', durationMs: this.#now() - started, error });
      }
      if (this.#negativeTtl > 0 && !flight.controller.signal.aborted && !flight.invalidated && !this.#closed) {
        this.#writeNegative(key, error, options?.ttl);
      }
      throw error;
    } finally {
      const token = lockToken ?? maybeLockToken;
      // In the background, bounded by its own timeout: the miss never waits for it. Only once the
      // value is in L2 (or its write failed), so that the instances polling for it find it.
      if (token !== undefined) {
        this.#track(written.then(() => this.#l2Call('releaseLock', () => l2!.releaseLock(key, token))));
      }
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

  /** A fresh value from the second level, stored in L1; undefined on a miss, FAILED on error or timeout. */
  async #fromL2(key: string, l2: SecondLevel, flight: Flight<V>): Promise<V | undefined | typeof FAILED> {
    const stored = await this.#l2Call('get', () => l2.get(key));
    if (stored === FAILED) return FAILED;
    if (stored === undefined || !(stored.expiresAt > this.#now()) || stored.value === undefined) {
      this.#stats.l2Misses++;
      return undefined;
    }
    this.#stats.l2Hits++;
    const value = stored.value as V;
    if (!flight.invalidated && !this.#closed) {
      const entry = new Entry<V>(
        value,
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
    if (loadChannel.hasSubscribers) loadChannel.publish({ cache: this.#name, key, source: 'l2', durationMs: 0 });
    return value;
  }

  /** Another instance holds the load lock: poll the second level until the value appears or the lock lapses. */
  async #awaitPeer(key: string, l2: SecondLevel, flight: Flight<V>): Promise<V | undefined> {
    const { ttl, pollInterval } = this.#lock!;
    const deadline = this.#now() + ttl;
    while (this.#now() < deadline && !flight.controller.signal.aborted) {
      await new Promise<void>((resolve) => setTimeout(resolve, pollInterval).unref());
      const found = await this.#fromL2(key, l2, flight);
      // The second level stalls: load now rather than wait for it once more.
      if (found === FAILED) return undefined;
      if (found !== undefined) {
        this.#stats.lockWaits++;
        return found;
      }
    }
    return undefined;
  }

  /** Writes an entry to the second level and tells other instances; never rejects. */
  #l2Write(key: string, entry: Entry<V>, announce: boolean): Promise<void> {
    const l2 = this.#l2;
    if (l2 === undefined) return DONE;
    const stored: StoredValue = {
      value: entry.value,
      expiresAt: entry.expiresAt,
      staleWhileRevalidateUntil: entry.staleWhileRevalidateUntil,
      staleIfErrorUntil: entry.staleIfErrorUntil,
      ...(entry.tags ? { tags: entry.tags } : {}),
    };
    const until = entry.usableUntil;
    const ttl = until === Number.POSITIVE_INFINITY ? undefined : Math.max(1, Math.ceil(until - this.#now()));
    const outbox = this.#outbox!;
    if (announce && outbox.size > 0) {
      // It must not overtake the invalidations still queued: it goes behind them as an
      // invalidation of the key (the second level gets no value; other instances reload).
      outbox.push({ origin: this.#id, keys: [key] }, true);
      return this.#track(outbox.flush());
    }
    return this.#track(
      (async () => {
        const set = await this.#l2Call('set', () => l2.set(key, stored, ttl));
        if (!announce) return;
        const message: InvalidationMessage = { origin: this.#id, keys: [key] };
        // Not written: the second level may still hold the previous value, to be dropped once it is back.
        if (set === FAILED) outbox.defer(message, true);
        else if ((await this.#l2Call('publish', () => l2.publish(message))) === FAILED) outbox.defer(message, false);
      })(),
    );
  }

  /**
   * Drops what `message` names in the second level, then tells the other
   * instances; never rejects. What the second level does not take is queued
   * and sent again, in order, once it is back (see InvalidationOutbox).
   */
  #invalidateL2(message: InvalidationMessage): Promise<void> {
    const outbox = this.#outbox!;
    // Behind the invalidations still queued, so they reach the fleet in order.
    if (outbox.size > 0) {
      outbox.push(message, true);
      return outbox.flush();
    }
    return (async () => {
      const item = { message, apply: true };
      if (!(await this.#sendInvalidation(item))) outbox.defer(message, item.apply);
    })();
  }

  /**
   * One attempt at an invalidation: drop in L2, then publish. The caller waits for one timeout at
   * most: when the drop fails the publish still goes out, in the background (a stalled server runs
   * both once it resumes), and the whole invalidation stays queued.
   */
  async #sendInvalidation(item: { readonly message: InvalidationMessage; apply: boolean }): Promise<boolean> {
    const l2 = this.#l2!;
    const { message } = item;
    if (item.apply) {
      if ((await this.#l2Call(invalidationOp(message), () => applyInvalidation(l2, message))) === FAILED) {
        this.#track(this.#l2Call('publish', () => l2.publish(message)));
        return false;
      }
      item.apply = false;
    }
    return (await this.#l2Call('publish', () => l2.publish(message))) !== FAILED;
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p)).catch(noop);
    return p;
  }

  /** One second-level call, bounded by `secondLevelTimeout`; failures are counted and turn into FAILED. */
  #l2Call<T>(op: string, call: () => Promise<T>): Promise<T | typeof FAILED> {
    return boundedCall(op, call, this.#l2Timeout, this.#onL2Error);
  }

  readonly #onL2Error = (op: string, error: unknown): void => {
    this.#stats.l2Errors++;
    if (l2ErrorChannel.hasSubscribers) l2ErrorChannel.publish({ cache: this.#name, op, error });
  };
}
