// The batch writer: a bounded queue of accepted items, cut into batches by
// size, bytes or age, flushed with bounded concurrency (per-key ordered when
// keyOf is given), retried with backoff, bisected to isolate bad items, and
// drained on close. Every accepted item ends in exactly one of: written,
// dead-lettered, or handed back by close(). While it holds any, it keeps the
// process alive; idle, it never does.
import { backoffDelay } from './backoff.js';
import { channels } from './channels.js';
import { ChunkedQueue } from './chunkedQueue.js';
import {
  InvalidOptionError,
  ItemFailedError,
  ItemUnsentError,
  QueueFullError,
  RetriesExhaustedError,
  WaitQueueFullError,
  WriterClosedError,
} from './errors.js';
import { KeepAlive } from './keepAlive.js';
import { type BatchWriterOptions, type CloseOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type Segment, Spool } from './spool.js';
import type { BatchWriterStats, CloseResult, ErrorVerdict, FlushFn, FlushResult } from './types.js';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** A write() waiting for space: its item and its promise's settlers, in one object. */
interface WaitingWrite<T> extends Waiter {
  readonly item: T;
}

interface Entry<T> {
  readonly item: T;
  /** Order of acceptance; flush() waits for every entry up to a sequence number. */
  readonly seq: number;
  readonly at: number;
  readonly size: number;
  readonly key: unknown;
  readonly waiter: Waiter | undefined;
  readonly segment: Segment | undefined;
}

interface FlushWaiter {
  readonly target: number;
  remaining: number;
  readonly resolve: () => void;
}

interface Failure<T> {
  readonly entry: Entry<T>;
  readonly error: unknown;
}

/**
 * Accepts items one by one and writes them in batches through `flush`. Every accepted item ends in exactly one
 * of: written, dead-lettered, or handed back by `close({ timeoutMs })`.
 */
export class BatchWriter<T> implements AsyncDisposable {
  readonly #o: ResolvedOptions<T>;
  readonly #spool: Spool<T> | undefined;
  #queue: Entry<T>[] = [];
  #queuedBytes = 0;
  /** Accepted and not yet settled: queued plus in flight. Bounded by maxQueued. Non-zero: the process is kept alive. */
  #pending = 0;
  readonly #keepAlive = new KeepAlive();
  #seq = 0;
  /** Entries up to this sequence number are due now (timer fired or flush() called). */
  #dueSeq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pumpScheduled = false;
  readonly #inFlight = new Set<Entry<T>[]>();
  /** Keys held by batches in flight, with how many batches hold each. */
  readonly #lockedKeys = new Map<unknown, number>();
  /** write() calls waiting for space, oldest first; at most maxWaiting. */
  readonly #spaceWaiters = new ChunkedQueue<WaitingWrite<T>>();
  #flushWaiters: FlushWaiter[] = [];
  readonly #sleeps = new Set<() => void>();
  #closed = false;
  #abandoned = false;
  #closing: Promise<CloseResult<T>> | undefined;
  readonly #unsent: T[] = [];
  #flushed = 0;
  #batches = 0;
  #retries = 0;
  #splits = 0;
  #deadLettered = 0;
  #rejected = 0;
  #replayed = 0;

  /** Throws `InvalidOptionError` for invalid options and `SpoolError` if the spool cannot be replayed. */
  constructor(options: BatchWriterOptions<T>) {
    this.#o = resolveOptions(options);
    if (this.#o.spool !== undefined) {
      this.#spool = new Spool(this.#o.spool);
      // Items a previous run accepted but did not settle: they were
      // acknowledged, so they are taken whatever maxQueued says.
      for (const { item, segment } of this.#spool.open()) {
        this.#push(item, undefined, segment, this.#sizeOf(item), this.#keyOf(item));
      }
      this.#replayed = this.#pending;
      if (this.#replayed > 0) {
        this.#dueSeq = this.#seq;
        this.#schedulePump();
      }
    }
  }

  /**
   * Accepts an item without waiting (fire and forget). Returns `false` when `maxQueued` items are held
   * (or throws `QueueFullError` with `whenFull: 'throw'`). With a spool, the item is on disk when this returns.
   * Throws `WriterClosedError` after `close()`.
   */
  add(item: T): boolean {
    if (this.#closed) throw new WriterClosedError(this.#o.name);
    if (this.#pending >= this.#o.maxQueued || this.#spaceWaiters.length > 0) {
      this.#reject('add');
      if (this.#o.throwWhenFull) throw new QueueFullError(this.#o.name, this.#o.maxQueued);
      return false;
    }
    this.#enqueue(item, undefined);
    return true;
  }

  /**
   * Accepts an item, waiting for space when the queue is full, and settles with this item's own outcome:
   * resolves once it is written; rejects with `ItemFailedError` if it was dead-lettered, `ItemUnsentError`
   * if `close()` timed out before writing it, `WriterClosedError` if the writer closed before accepting it,
   * `WaitQueueFullError` (at once, not accepted) if `maxWaiting` calls already wait for space.
   */
  write(item: T): Promise<void> {
    if (this.#closed) return Promise.reject(new WriterClosedError(this.#o.name));
    if (this.#pending < this.#o.maxQueued && this.#spaceWaiters.length === 0) {
      return new Promise<void>((resolve, reject) => this.#enqueue(item, { resolve, reject }));
    }
    if (this.#spaceWaiters.length >= this.#o.maxWaiting) {
      this.#reject('write');
      return Promise.reject(new WaitQueueFullError(this.#o.name, this.#o.maxWaiting));
    }
    return new Promise<void>((resolve, reject) => this.#spaceWaiters.push({ item, resolve, reject }));
  }

  /** Flushes everything accepted so far; resolves once each of those items is written or dead-lettered. */
  flush(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    this.#dueSeq = this.#seq;
    const done = new Promise<void>((resolve) => {
      this.#flushWaiters.push({ target: this.#seq, remaining: this.#pending, resolve });
    });
    this.#pump();
    return done;
  }

  /**
   * Stops accepting items and drains: resolves once everything accepted is written or dead-lettered.
   * With `timeoutMs`, gives up after that long: queued items and batches waiting to retry are handed back
   * in `unsent` (and stay in the spool); batches already inside `flush` are awaited, since they cannot be recalled.
   */
  close(options: CloseOptions = {}): Promise<CloseResult<T>> {
    this.#closing ??= this.#close();
    const closing = this.#closing;
    // Every call's timeout counts, not only the first one's: a close() without timeout (`await using`)
    // must not make a later close({ timeoutMs }) (closeOnSignals on SIGTERM) wait for ever.
    if (options.timeoutMs !== undefined) {
      const timer = setTimeout(() => this.#abandon(), options.timeoutMs);
      const clear = (): void => clearTimeout(timer);
      closing.then(clear, clear);
    }
    return closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Counters and gauges; cheap enough to call at every metrics scrape. */
  stats(): BatchWriterStats {
    let oldest = this.#queue[0]?.at;
    const inFlight = this.#pending - this.#queue.length;
    if (inFlight > 0) {
      for (const batch of this.#inFlight) {
        const at = batch[0]?.at;
        if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
      }
    }
    return {
      name: this.#o.name,
      queued: this.#queue.length,
      inFlight,
      // A batch leaves the set just after its items settle: count it only while it holds some.
      inFlightBatches: inFlight > 0 ? this.#inFlight.size : 0,
      waiting: this.#spaceWaiters.length,
      flushed: this.#flushed,
      batches: this.#batches,
      retries: this.#retries,
      splits: this.#splits,
      deadLettered: this.#deadLettered,
      rejected: this.#rejected,
      replayed: this.#replayed,
      oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.#o.now() - oldest),
    };
  }

  // --- accepting -------------------------------------------------------------

  #reject(method: 'add' | 'write'): void {
    this.#rejected++;
    if (channels.reject.hasSubscribers) {
      const { name, maxQueued, maxWaiting } = this.#o;
      channels.reject.publish({ name, method, maxQueued, maxWaiting });
    }
  }

  #enqueue(item: T, waiter: Waiter | undefined): void {
    // sizeOf/keyOf first, then the spool append: if any throws, nothing was accepted (nor spooled).
    const size = this.#sizeOf(item);
    const key = this.#keyOf(item);
    this.#push(item, waiter, this.#spool?.append(item), size, key);
    const o = this.#o;
    if (this.#queue.length >= o.maxBatchSize || this.#queuedBytes >= o.maxBatchBytes) this.#schedulePump();
    else if (this.#timer === undefined) this.#armTimer(o.maxDelayMs);
  }

  #push(item: T, waiter: Waiter | undefined, segment: Segment | undefined, size: number, key: unknown): void {
    const o = this.#o;
    this.#queue.push({ item, seq: ++this.#seq, at: o.now(), size, key, waiter, segment });
    this.#queuedBytes += size;
    if (this.#pending++ === 0) this.#keepAlive.hold();
  }

  /** The item's `sizeOf`: a NaN or negative size would break the byte count of every later batch. */
  #sizeOf(item: T): number {
    if (this.#o.sizeOf === undefined) return 0;
    const size = this.#o.sizeOf(item);
    if (typeof size !== 'number' || !(size >= 0 && size < Number.POSITIVE_INFINITY)) {
      throw new InvalidOptionError('sizeOf(item)', 'a finite number ≥ 0', size);
    }
    return size;
  }

  #keyOf(item: T): unknown {
    return this.#o.keyOf === undefined ? undefined : this.#o.keyOf(item);
  }

  #admitWaiters(): void {
    while (this.#spaceWaiters.length > 0 && this.#pending < this.#o.maxQueued && !this.#closed) {
      const waiter = this.#spaceWaiters.shift()!;
      try {
        this.#enqueue(waiter.item, waiter);
      } catch (error) {
        waiter.reject(error);
      }
    }
  }

  // --- cutting batches -------------------------------------------------------

  #armTimer(delayMs: number): void {
    this.#timer = setTimeout(this.#onTimer, delayMs);
    this.#timer.unref?.(); // the items it waits for hold #keepAlive; the timer itself never holds the process
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#dueSeq = this.#seq;
    this.#pump();
  };

  // A microtask, not a direct call: add() never runs the sink synchronously,
  // and a synchronous burst of add() calls is cut into full batches.
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    const o = this.#o;
    while (this.#inFlight.size < o.concurrency && this.#queue.length > 0 && !this.#abandoned) {
      const due =
        this.#queue[0]!.seq <= this.#dueSeq ||
        this.#queue.length >= o.maxBatchSize ||
        this.#queuedBytes >= o.maxBatchBytes;
      if (!due) break;
      const batch = this.#take();
      if (batch.length === 0) break; // every queued key is held by a batch in flight; its end pumps again
      void this.#run(batch);
    }
    // Items not yet due get a timer for the oldest; due items wait for a
    // batch slot, whose release pumps again.
    const head = this.#queue[0];
    if (head !== undefined && head.seq > this.#dueSeq && this.#timer === undefined && !this.#closed) {
      this.#armTimer(Math.max(0, head.at + o.maxDelayMs - o.now()));
    }
  }

  #take(): Entry<T>[] {
    const { maxBatchSize, maxBatchBytes, keyOf } = this.#o;
    const queue = this.#queue;
    let bytes = 0;
    if (keyOf === undefined) {
      let n = 0;
      while (n < queue.length && n < maxBatchSize) {
        const size = queue[n]!.size;
        if (n > 0 && bytes + size > maxBatchBytes) break;
        bytes += size;
        n++;
      }
      this.#queuedBytes -= bytes;
      return queue.splice(0, n);
    }
    // Keyed: skip items whose key a batch in flight holds (they must wait for
    // it, to keep the key's order). Once the batch is full, stop, so that no
    // item of a key overtakes an earlier one left behind.
    const batch: Entry<T>[] = [];
    const rest: Entry<T>[] = [];
    let full = false;
    for (const entry of queue) {
      if (!full && this.#lockedKeys.has(entry.key)) {
        rest.push(entry);
        continue;
      }
      if (!full && (batch.length === 0 || bytes + entry.size <= maxBatchBytes)) {
        batch.push(entry);
        bytes += entry.size;
        full = batch.length === maxBatchSize;
      } else {
        full = true;
        rest.push(entry);
      }
    }
    this.#queue = rest;
    this.#queuedBytes -= bytes;
    return batch;
  }

  // --- flushing --------------------------------------------------------------

  async #run(batch: Entry<T>[]): Promise<void> {
    this.#inFlight.add(batch);
    const keys = this.#o.keyOf === undefined ? undefined : new Set(batch.map((e) => e.key));
    if (keys !== undefined) for (const key of keys) this.#lockedKeys.set(key, (this.#lockedKeys.get(key) ?? 0) + 1);
    try {
      await this.#deliver(batch, 0);
    } finally {
      if (keys !== undefined) {
        for (const key of keys) {
          const n = this.#lockedKeys.get(key)! - 1;
          if (n === 0) this.#lockedKeys.delete(key);
          else this.#lockedKeys.set(key, n);
        }
      }
      this.#inFlight.delete(batch);
      this.#pump();
    }
  }

  /** Settles every entry of `entries`: written, dead-lettered or handed back. Never throws. */
  async #deliver(entries: Entry<T>[], attempt: number): Promise<void> {
    for (;;) {
      if (this.#abandoned) return this.#handBack(entries);
      const started = this.#o.now();
      let result: Awaited<ReturnType<FlushFn<T>>>;
      let threw = false;
      let error: unknown;
      try {
        result = await this.#o.flush(
          entries.map((e) => e.item),
          { attempt },
        );
      } catch (e) {
        threw = true;
        error = e;
      }
      if (!threw) return this.#settleResult(entries, result?.failed, attempt, started);

      const verdict = this.#verdict(error);
      if (verdict === 'retry') {
        if (attempt >= this.#o.backoff.retries) {
          const exhausted = new RetriesExhaustedError(this.#o.name, attempt + 1, error);
          return this.#deadLetter(entries.map((entry) => ({ entry, error: exhausted })));
        }
        attempt++;
        if (!(await this.#sleepBeforeRetry(entries.length, attempt, error))) return this.#handBack(entries);
        continue;
      }
      if (verdict === 'split' && entries.length > 1) {
        this.#splits++;
        if (channels.split.hasSubscribers) channels.split.publish({ name: this.#o.name, size: entries.length, error });
        // One half after the other, so that items of one key stay in order.
        const middle = entries.length >>> 1;
        await this.#deliver(entries.slice(0, middle), 0);
        await this.#deliver(entries.slice(middle), 0);
        return;
      }
      return this.#deadLetter(entries.map((entry) => ({ entry, error })));
    }
  }

  async #settleResult(
    entries: Entry<T>[],
    failed: FlushResult['failed'] | undefined,
    attempt: number,
    started: number,
  ): Promise<void> {
    this.#batches++;
    if (failed === undefined || failed.length === 0) {
      this.#succeed(entries, attempt, started);
      return;
    }
    // The sink reported each item's fate: no bisection needed.
    const errors = new Map<number, unknown>();
    for (const f of failed) errors.set(f.index, f.error);
    const ok: Entry<T>[] = [];
    const retry: Entry<T>[] = [];
    const dead: Failure<T>[] = [];
    let retryError: unknown;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      if (!errors.has(index)) {
        ok.push(entry);
        continue;
      }
      const error = errors.get(index);
      if (this.#verdict(error) === 'retry') {
        retryError = error;
        retry.push(entry);
      } else {
        dead.push({ entry, error });
      }
    }
    this.#succeed(ok, attempt, started);
    if (dead.length > 0) await this.#deadLetter(dead);
    if (retry.length === 0) return;
    if (attempt >= this.#o.backoff.retries) {
      const exhausted = new RetriesExhaustedError(this.#o.name, attempt + 1, retryError);
      return this.#deadLetter(retry.map((entry) => ({ entry, error: exhausted })));
    }
    if (!(await this.#sleepBeforeRetry(retry.length, attempt + 1, retryError))) return this.#handBack(retry);
    return this.#deliver(retry, attempt + 1);
  }

  #verdict(error: unknown): ErrorVerdict {
    try {
      return this.#o.classify(error);
    } catch {
      return 'split';
    }
  }

  /** Waits the backoff before retry `attempt`; false if close() gave up meanwhile. */
  #sleepBeforeRetry(size: number, attempt: number, error: unknown): Promise<boolean> {
    const delayMs = backoffDelay(this.#o.backoff, attempt, this.#o.random);
    this.#retries++;
    if (channels.retry.hasSubscribers) channels.retry.publish({ name: this.#o.name, size, attempt, delayMs, error });
    return new Promise<boolean>((resolve) => {
      if (this.#abandoned) return resolve(false);
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleeps.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#sleeps.delete(wake);
        resolve(!this.#abandoned);
      }, delayMs);
      timer.unref?.(); // as #armTimer's: the items waiting to retry hold #keepAlive
      this.#sleeps.add(wake);
    });
  }

  // --- settling --------------------------------------------------------------

  #succeed(entries: Entry<T>[], attempt: number, started: number): void {
    if (entries.length === 0) return;
    for (const entry of entries) {
      this.#release(entry, true);
      entry.waiter?.resolve();
    }
    this.#flushed += entries.length;
    if (channels.flush.hasSubscribers) {
      const { name, now } = this.#o;
      channels.flush.publish({ name, size: entries.length, attempt, durationMs: now() - started });
    }
    this.#admitWaiters();
  }

  async #deadLetter(failures: Failure<T>[]): Promise<void> {
    this.#deadLettered += failures.length;
    const first = failures[0]?.error;
    if (channels.deadLetter.hasSubscribers) {
      channels.deadLetter.publish({ name: this.#o.name, count: failures.length, error: first });
    }
    const handler = this.#o.deadLetter;
    if (handler !== undefined) {
      try {
        await handler(failures.map((f) => ({ item: f.entry.item, error: f.error })));
      } catch (error) {
        this.#warn(`the deadLetter handler threw (${message(error)}) while given ${failures.length} item(s)`);
      }
    } else if (failures.some((f) => f.entry.waiter === undefined)) {
      this.#warn(`${failures.length} item(s) could not be written and no deadLetter handler is set: ${message(first)}`);
    }
    for (const { entry, error } of failures) {
      this.#release(entry, true);
      entry.waiter?.reject(new ItemFailedError(this.#o.name, error));
    }
    this.#admitWaiters();
  }

  /** close() gave up on these: hand them back; they stay in the spool for the next start. */
  #handBack(entries: Entry<T>[]): void {
    for (const entry of entries) {
      this.#unsent.push(entry.item);
      this.#release(entry, false);
      entry.waiter?.reject(new ItemUnsentError(this.#o.name));
    }
  }

  #release(entry: Entry<T>, settled: boolean): void {
    if (--this.#pending === 0) this.#keepAlive.release();
    if (settled && entry.segment !== undefined) this.#spool!.settle(entry.segment);
    if (this.#flushWaiters.length === 0) return;
    let finished = false;
    for (const w of this.#flushWaiters) {
      if (entry.seq <= w.target && --w.remaining === 0) {
        finished = true;
        w.resolve();
      }
    }
    if (finished) this.#flushWaiters = this.#flushWaiters.filter((w) => w.remaining > 0);
  }

  #warn(text: string): void {
    process.emitWarning(`@perf/batch-writer: writer "${this.#o.name}": ${text}`, {
      code: 'PERF_BATCH_WRITER_DEAD_LETTERED',
    });
  }

  // --- closing ---------------------------------------------------------------

  async #close(): Promise<CloseResult<T>> {
    this.#closed = true;
    for (const waiter of this.#spaceWaiters.drain()) waiter.reject(new WriterClosedError(this.#o.name));
    try {
      // close({ timeoutMs }) abandons (see close()): queued and sleeping items are handed back at once,
      // and this resolves once the batches inside `flush` return. Until then the items held keep the
      // process alive (see KeepAlive).
      await this.flush();
    } finally {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#spool?.close();
    }
    return { unsent: this.#unsent };
  }

  #abandon(): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    for (const wake of [...this.#sleeps]) wake();
    const queued = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#handBack(queued);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
