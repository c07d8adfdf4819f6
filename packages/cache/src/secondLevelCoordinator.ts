// The second level as one cache instance uses it: reads through it, the load
// lock that keeps a cold key to one load across the fleet, writes, and
// invalidations (drop in L2, then publish on the bus; queued, in order, while
// L2 does not take them). The cache keeps single flight within the process;
// every L2 call is made here, each bounded by secondLevelTimeoutMs, and L2
// trouble never fails or stalls a read by more than one timeout.
import { randomUUID } from 'node:crypto';
import { l2ErrorChannel, loadChannel } from './channels.js';
import type { Entry } from './entry.js';
import { InvalidationsUndeliveredError } from './errors.js';
import {
  applyInvalidation,
  InvalidationOutbox,
  invalidationOp,
  type QueuedInvalidation,
} from './invalidationOutbox.js';
import type {
  InvalidationMessage,
  InvalidationTarget,
  SecondLevel,
  SecondLevelOp,
  StoredValue,
} from './secondLevel.js';
import { boundedCall, FAILED } from './secondLevelCall.js';
import type { StatsCounters } from './stats.js';

/** What the coordinator needs to know of a load in progress. */
export interface LoadInProgress {
  /** Set when the key was invalidated during the load: its result must not be stored. */
  readonly invalidated: boolean;
  readonly controller: AbortController;
}

/** A loader's result; `stored` is the entry kept in L1, undefined when it was not kept. */
export interface Loaded<V> {
  readonly value: V;
  readonly stored: Entry<V> | undefined;
}

/** What the cache does for its coordinator: its L1 and its diagnostics. */
export interface SecondLevelHost {
  /** The cache's `name` option, for diagnostics_channel messages. */
  readonly name: string;
  readonly stats: StatsCounters;
  readonly now: () => number;
  /** Keeps a value found in the second level in L1, unless `load` was invalidated meanwhile. */
  keep(key: string, stored: StoredValue, load: LoadInProgress): void;
  /** Another instance invalidated what `message` names: drop it from L1. */
  invalidatedRemotely(message: InvalidationMessage): void;
  /** The bus is back after a loss: invalidations may have been missed, so no L1 entry can be trusted. */
  busRestored(): void;
}

export interface SecondLevelCoordinatorOptions {
  readonly secondLevel: SecondLevel;
  readonly timeoutMs: number;
  readonly lock: { readonly ttlMs: number; readonly pollIntervalMs: number } | undefined;
  readonly host: SecondLevelHost;
}

const noop = (): void => {};
const DONE: Promise<void> = Promise.resolve();
/** Default bound of the invalidations queued while the second level is unreachable. */
const MAX_QUEUED_INVALIDATIONS = 1_000;
/** A queued invalidation is tried again this often when no reconnect comes first (a stall does not reconnect). */
const INVALIDATION_RETRY_MS = 1_000;

export class SecondLevelCoordinator<V> {
  readonly #l2: SecondLevel;
  readonly #timeoutMs: number;
  readonly #lock: { readonly ttlMs: number; readonly pollIntervalMs: number } | undefined;
  readonly #host: SecondLevelHost;
  /** Invalidations the second level has not taken yet. */
  readonly #outbox: InvalidationOutbox;
  /** Writes, invalidations and lock releases still running: close() waits for them. */
  readonly #pending = new Set<Promise<unknown>>();
  /** This instance on the bus: its own messages come back to it and are ignored. */
  readonly #id = randomUUID();

  constructor(options: SecondLevelCoordinatorOptions) {
    const l2 = options.secondLevel;
    this.#l2 = l2;
    this.#timeoutMs = options.timeoutMs;
    this.#lock = options.lock;
    this.#host = options.host;
    const outbox = new InvalidationOutbox({
      limit: l2.maxQueuedInvalidations ?? MAX_QUEUED_INVALIDATIONS,
      retryMs: INVALIDATION_RETRY_MS,
      send: (item) => this.#send(item),
    });
    this.#outbox = outbox;
    l2.subscribe((m) => this.#onMessage(m), {
      busRestored: () => {
        this.#host.stats.busRecoveries++;
        this.#host.busRestored();
        void outbox.flush();
      },
      reconnected: () => void outbox.flush(),
    });
  }

  /** The invalidations waiting for the second level (for `stats()`). */
  get outbox(): InvalidationOutbox {
    return this.#outbox;
  }

  /**
   * A miss: the value from the second level, else (with `lock`) from the instance that holds the
   * load lock, else from `run` (the loader), written to the second level. Once one call of the
   * miss has failed or timed out, the rest of the miss does without the second level.
   */
  async load(key: string, load: LoadInProgress, run: () => Promise<Loaded<V>>): Promise<V> {
    const found = await this.#read(key, load);
    if (found !== undefined && found !== FAILED) return found;
    const lock = found === FAILED ? undefined : this.#lock;
    /** Set when this instance holds the lock, or may: a lock call that failed may still have landed. */
    let token: string | undefined;
    let held = false;
    if (lock !== undefined) {
      const candidate = randomUUID();
      // A failed lock call loads without the lock: L2 trouble never blocks a read.
      const got = await this.#call('acquireLock', () => this.#l2.acquireLock(key, candidate, lock.ttlMs));
      if (got === false) {
        const answered = await this.#awaitPeer(key, load, lock);
        if (answered !== undefined) return answered;
      } else {
        // Timed out: the SET NX may still land after our deadline, so release it like a held lock
        // (a no-op when it never landed) instead of leaving the fleet waiting for lock.ttlMs.
        token = candidate;
        held = got === true;
      }
    }
    let written = DONE;
    try {
      if (held) {
        // The holder before us may have finished between our miss and our lock: look once more.
        const again = await this.#read(key, load);
        if (again !== undefined && again !== FAILED) return again;
      }
      const { value, stored } = await run();
      if (stored !== undefined) written = this.write(key, stored, false);
      return value;
    } finally {
      // In the background, bounded by its own timeout: the miss never waits for it. Only once the
      // value is in L2 (or its write failed), so that the instances polling for it find it.
      if (token !== undefined) {
        const releasing = token;
        this.#track(written.then(() => this.#call('releaseLock', () => this.#l2.releaseLock(key, releasing))));
      }
    }
  }

  /**
   * Writes an entry to the second level and (`announce`: a `set`, not a load) tells the other
   * instances to drop their copy; never rejects.
   */
  write(key: string, entry: Entry<V>, announce: boolean): Promise<void> {
    const outbox = this.#outbox;
    if (announce && outbox.size > 0) {
      // It must not overtake the invalidations still queued: it goes behind them as an
      // invalidation of the key (the second level gets no value; other instances reload).
      outbox.push({ origin: this.#id, keys: [key] }, true);
      return this.#track(outbox.flush());
    }
    const stored: StoredValue = {
      value: entry.value,
      expiresAt: entry.expiresAt,
      staleWhileRevalidateUntil: entry.staleWhileRevalidateUntil,
      staleIfErrorUntil: entry.staleIfErrorUntil,
      ...(entry.tags ? { tags: entry.tags } : {}),
    };
    const until = entry.usableUntil;
    const ttlMs = until === Number.POSITIVE_INFINITY ? undefined : Math.max(1, Math.ceil(until - this.#host.now()));
    return this.#track(
      (async () => {
        const set = await this.#call('set', () => this.#l2.set(key, stored, ttlMs));
        if (!announce) return;
        const message: InvalidationMessage = { origin: this.#id, keys: [key] };
        // Not written: the second level may still hold the previous value, to be dropped once it is back.
        if (set === FAILED) outbox.defer(message, true);
        else if ((await this.#call('publish', () => this.#l2.publish(message))) === FAILED)
          outbox.defer(message, false);
      })(),
    );
  }

  /**
   * Drops what `target` names in the second level, then tells the other instances; never
   * rejects. What the second level does not take is queued and sent again, in order, once it
   * is back (see InvalidationOutbox).
   */
  invalidate(target: InvalidationTarget): Promise<void> {
    const message: InvalidationMessage = { origin: this.#id, ...target };
    const outbox = this.#outbox;
    // Behind the invalidations still queued, so they reach the fleet in order.
    if (outbox.size > 0) {
      outbox.push(message, true);
      return this.#track(outbox.flush());
    }
    return this.#track(
      (async () => {
        const item = { message, apply: true };
        if (!(await this.#send(item))) outbox.defer(message, item.apply);
      })(),
    );
  }

  /**
   * Waits for the writes, invalidations and lock releases still running, makes one last attempt
   * at the queued invalidations (what cannot be sent is reported, never dropped silently), then
   * closes the second level.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    const outbox = this.#outbox;
    outbox.close();
    await outbox.flush();
    if (outbox.size > 0) this.#onError('publish', new InvalidationsUndeliveredError(outbox.size));
    await this.#l2.close().catch(noop);
  }

  /** A fresh value from the second level, kept in L1; undefined on a miss, FAILED on error or timeout. */
  async #read(key: string, load: LoadInProgress): Promise<V | undefined | typeof FAILED> {
    const stored = await this.#call('get', () => this.#l2.get(key));
    if (stored === FAILED) return FAILED;
    const host = this.#host;
    if (stored === undefined || !(stored.expiresAt > host.now()) || stored.value === undefined) {
      host.stats.l2Misses++;
      return undefined;
    }
    host.stats.l2Hits++;
    host.keep(key, stored, load);
    if (loadChannel.hasSubscribers) loadChannel.publish({ name: host.name, key, source: 'l2', durationMs: 0 });
    return stored.value as V;
  }

  /** Another instance holds the load lock: poll the second level until the value appears or the lock lapses. */
  async #awaitPeer(
    key: string,
    load: LoadInProgress,
    lock: { readonly ttlMs: number; readonly pollIntervalMs: number },
  ): Promise<V | undefined> {
    const now = this.#host.now;
    const deadline = now() + lock.ttlMs;
    while (now() < deadline && !load.controller.signal.aborted) {
      await new Promise<void>((resolve) => setTimeout(resolve, lock.pollIntervalMs).unref());
      const found = await this.#read(key, load);
      // The second level stalls: load now rather than wait for it once more.
      if (found === FAILED) return undefined;
      if (found !== undefined) {
        this.#host.stats.lockWaits++;
        return found;
      }
    }
    return undefined;
  }

  /**
   * One attempt at an invalidation: drop in L2, then publish. The caller waits for one timeout at
   * most: when the drop fails the publish still goes out, in the background (a stalled server runs
   * both once it resumes), and the whole invalidation stays queued.
   */
  async #send(item: QueuedInvalidation): Promise<boolean> {
    const l2 = this.#l2;
    const { message } = item;
    if (item.apply) {
      if ((await this.#call(invalidationOp(message), () => applyInvalidation(l2, message))) === FAILED) {
        this.#track(this.#call('publish', () => l2.publish(message)));
        return false;
      }
      item.apply = false;
    }
    return (await this.#call('publish', () => l2.publish(message))) !== FAILED;
  }

  #onMessage(message: InvalidationMessage): void {
    if (message.origin === this.#id) return;
    this.#host.stats.remoteInvalidations++;
    this.#host.invalidatedRemotely(message);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    p.finally(() => this.#pending.delete(p)).catch(noop);
    return p;
  }

  /** One second-level call, bounded by `secondLevelTimeoutMs`; failures are counted and turn into FAILED. */
  #call<T>(op: SecondLevelOp, call: () => Promise<T>): Promise<T | typeof FAILED> {
    return boundedCall(op, call, this.#timeoutMs, this.#onError);
  }

  readonly #onError = (op: SecondLevelOp, error: unknown): void => {
    this.#host.stats.l2Errors++;
    if (l2ErrorChannel.hasSubscribers) l2ErrorChannel.publish({ name: this.#host.name, op, error });
  };
}
