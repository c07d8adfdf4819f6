import { AdaptiveTiers } from './adaptiveTiers.js';
import { BufferLease } from './bufferLease.js';
import { channels, type DropMessage } from './channels.js';
import {
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
  InvalidSizeError,
  OversizeError,
} from './errors.js';
import { acquireStack, type LeakReport, LeakTracker } from './leakTracker.js';
import {
  type BufferPoolOptions,
  type OutputBufferOptions,
  type ResolvedOptions,
  resolveOptions,
  resolveOutputOptions,
} from './options.js';
import { OutputBuffer } from './outputBuffer.js';
import { classIndexFor, SizeClass, type Slot } from './sizeClass.js';
import { type BufferPoolStats, statsOf } from './stats.js';

// A learned class must save at least this share of its serving class's capacity.
const MIN_ADAPTIVE_SAVING = 1 / 8;

/**
 * Size-tiered pool of Buffers. `acquire(size)` returns a Buffer of exactly
 * `size` bytes whose `.buffer` is an ArrayBuffer owned by that lease alone;
 * `release(buf)` gives it back (zeroed by default) for reuse.
 */
export class BufferPool {
  readonly #o: ResolvedOptions;
  #classes: SizeClass[];
  readonly #maxSize: number;
  // Leases of oversize requests served unpooled (`oversize: 'allocate'`): tracked
  // so their release is recognised, never retained.
  readonly #unpooled = new SizeClass(0);
  // Every Buffer handed out → its slot. Weak, so a leaked lease costs the pool nothing.
  readonly #slots = new WeakMap<object, Slot>();
  readonly #leaks: LeakTracker | undefined;
  readonly #adaptive: AdaptiveTiers | undefined;
  #retainedBytes = 0;
  #foreignReleases = 0;
  #doubleReleases = 0;
  #leaked = 0;
  #lastOutputLength = 0;

  constructor(options: BufferPoolOptions = {}) {
    this.#o = resolveOptions(options);
    this.#classes = this.#o.tiers.map((t) => new SizeClass(t));
    this.#maxSize = this.#o.tiers[this.#o.tiers.length - 1]!;
    this.#adaptive = this.#o.adaptive && new AdaptiveTiers(this.#o.adaptive);
    if (this.#o.debug) {
      const onLeak = this.#o.onLeak;
      this.#leaks = new LeakTracker((report) => {
        this.#leaked++;
        if (channels.leak.hasSubscribers) channels.leak.publish(report);
        onLeak(report);
      });
    }
    for (const spec of this.#o.prewarm) this.prewarm(spec.size, spec.count);
  }

  /** The pool's `name` option. */
  get name(): string {
    return this.#o.name;
  }

  /** Largest poolable request: the capacity of the largest class. */
  get maxSize(): number {
    return this.#maxSize;
  }

  /** Capacities of the current size classes, ascending (adaptive tiering may add some). */
  get tiers(): number[] {
    return this.#classes.map((c) => c.capacity);
  }

  /**
   * A Buffer of exactly `size` bytes from the smallest class that fits. Zeroed
   * unless `zero: false`. Throws `InvalidSizeError` for 0, negative,
   * non-integer sizes and `OversizeError` above `maxSize` (unless
   * `oversize: 'allocate'`).
   */
  acquire(size: number): Buffer {
    if (!(size > 0 && size <= this.#maxSize && Number.isInteger(size))) return this.#acquireUnpooled(size);
    if (this.#adaptive !== undefined) this.#learn(size);
    const cls = this.#classes[classIndexFor(this.#classes, size)]!;
    cls.acquires++;
    let slot = cls.free.pop();
    if (slot === undefined) {
      cls.misses++;
      slot = this.#newSlot(cls);
      if (channels.miss.hasSubscribers) channels.miss.publish({ name: this.#o.name, size, capacity: cls.capacity });
    } else {
      cls.hits++;
      this.#retainedBytes -= cls.capacity;
    }
    slot.leased = true;
    // Reusing the last view when the length matches keeps a steady-state hit allocation-free.
    let view = slot.view;
    if (view.length !== size) view = this.#newView(slot, size);
    if (this.#leaks !== undefined) this.#watch(view, slot);
    return view;
  }

  /**
   * Gives a Buffer from `acquire()` back. A foreign or already released Buffer
   * is ignored and counted (`stats().foreignReleases`/`doubleReleases`), or in
   * debug mode throws `ForeignReleaseError`/`DoubleReleaseError`.
   */
  release(buffer: Uint8Array): void {
    const slot = this.#slots.get(buffer);
    if (slot === undefined || slot.view !== buffer || !slot.leased) {
      this.#invalidRelease(slot);
      return;
    }
    slot.leased = false;
    const cls = slot.cls;
    cls.releases++;
    if (this.#leaks !== undefined) {
      this.#leaks.forget(slot);
      this.#detach(slot);
    }
    const dropReason = this.#dropReason(cls);
    if (dropReason !== undefined) {
      this.#drop(cls, dropReason);
      return;
    }
    // The whole ArrayBuffer, not just the view: a lease can write past its view through `.buffer`.
    if (this.#o.zero) slot.full.fill(0);
    cls.free.push(slot);
    this.#retainedBytes += cls.capacity;
  }

  /** `acquire(size)` wrapped in a lease whose `release()`/`[Symbol.dispose]()` gives it back (`using` friendly). */
  lease(size: number): BufferLease {
    return new BufferLease(this, this.acquire(size));
  }

  /** A growable pooled buffer that captures a stream's output up to `maxBytes`, then truncates with a marker. */
  output(options: OutputBufferOptions): OutputBuffer {
    const resolved = resolveOutputOptions(options, {
      maxSize: this.#maxSize,
      allowOversize: this.#o.oversize === 'allocate',
      lastLength: this.#lastOutputLength,
    });
    return new OutputBuffer(this, resolved, (length) => {
      this.#lastOutputLength = length;
    });
  }

  /**
   * Capacity of the class that serves `size`, or `undefined` above `maxSize`.
   * Throws `InvalidSizeError` for sizes `acquire()` would reject as invalid.
   */
  capacityFor(size: number): number | undefined {
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw new InvalidSizeError(size);
    if (size > this.#maxSize) return undefined;
    return this.#classes[classIndexFor(this.#classes, size)]!.capacity;
  }

  /** Whether `buffer` is a lease of this pool that has not been released yet. */
  isLeased(buffer: Uint8Array): boolean {
    const slot = this.#slots.get(buffer);
    return slot !== undefined && slot.view === buffer && slot.leased;
  }

  /**
   * Allocates up to `count` free buffers in the class serving `size` (stopping
   * at `maxPerClass`/`maxRetainedBytes`). Returns how many were added.
   */
  prewarm(size: number, count: number): number {
    const capacity = this.capacityFor(size);
    if (capacity === undefined) throw new OversizeError(size, this.#maxSize);
    if (!Number.isSafeInteger(count) || count < 0) throw new InvalidOptionError('count', 'an integer ≥ 0', count);
    const cls = this.#classes[classIndexFor(this.#classes, size)]!;
    let added = 0;
    while (
      added < count &&
      cls.free.length < this.#o.maxPerClass &&
      this.#retainedBytes + capacity <= this.#o.maxRetainedBytes
    ) {
      cls.free.push(this.#newSlot(cls));
      this.#retainedBytes += capacity;
      added++;
    }
    return added;
  }

  /** Drops every free buffer (leases stay valid). Returns the bytes given back to the GC. */
  clear(): number {
    const freed = this.#retainedBytes;
    for (const cls of this.#classes) cls.free.length = 0;
    this.#retainedBytes = 0;
    return freed;
  }

  /** Counters since construction, and the retained bytes now. Cheap: a few objects per call. */
  stats(): BufferPoolStats {
    return statsOf(this.#o.name, this.#classes, this.#unpooled, {
      retainedBytes: this.#retainedBytes,
      foreignReleases: this.#foreignReleases,
      doubleReleases: this.#doubleReleases,
      leaked: this.#leaked,
    });
  }

  #newSlot(cls: SizeClass): Slot {
    // With zeroing off, skip the allocator's zero-fill too, like Buffer.allocUnsafe (never Node's shared pool).
    const full = this.#o.zero ? Buffer.from(new ArrayBuffer(cls.capacity)) : Buffer.allocUnsafeSlow(cls.capacity);
    const slot: Slot = { cls, full, view: full, leased: false };
    this.#slots.set(full, slot);
    return slot;
  }

  #newView(slot: Slot, size: number): Buffer {
    const view = size === slot.full.length ? slot.full : Buffer.from(slot.full.buffer, 0, size);
    slot.view = view;
    this.#slots.set(view, slot);
    return view;
  }

  #acquireUnpooled(size: number): Buffer {
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw new InvalidSizeError(size);
    if (this.#o.oversize === 'throw') throw new OversizeError(size, this.#maxSize);
    this.#unpooled.acquires++;
    if (channels.oversize.hasSubscribers) channels.oversize.publish({ name: this.#o.name, size });
    const full = this.#o.zero ? Buffer.alloc(size) : Buffer.allocUnsafeSlow(size);
    const slot: Slot = { cls: this.#unpooled, full, view: full, leased: true };
    this.#slots.set(full, slot);
    if (this.#leaks !== undefined) this.#watch(full, slot);
    return full;
  }

  #dropReason(cls: SizeClass): DropMessage['reason'] | undefined {
    if (cls === this.#unpooled) return 'unpooled';
    if (cls.free.length >= this.#o.maxPerClass) return 'class-full';
    if (this.#retainedBytes + cls.capacity > this.#o.maxRetainedBytes) return 'total-full';
    return undefined;
  }

  #drop(cls: SizeClass, reason: DropMessage['reason']): void {
    cls.dropped++;
    if (channels.drop.hasSubscribers) channels.drop.publish({ name: this.#o.name, capacity: cls.capacity, reason });
  }

  #invalidRelease(slot: Slot | undefined): void {
    const reason = slot === undefined ? 'foreign' : 'double';
    if (channels.invalidRelease.hasSubscribers) channels.invalidRelease.publish({ name: this.#o.name, reason });
    if (reason === 'foreign') {
      this.#foreignReleases++;
      if (this.#o.debug) throw new ForeignReleaseError();
    } else {
      this.#doubleReleases++;
      if (this.#o.debug) throw new DoubleReleaseError();
    }
  }

  #watch(view: Buffer, slot: Slot): void {
    const report: LeakReport = {
      name: this.#o.name,
      size: view.length,
      capacity: slot.cls.capacity,
      acquiredAt: acquireStack(this.acquire),
    };
    this.#leaks!.watch(view, report, slot);
  }

  // Debug mode: move the memory to a fresh ArrayBuffer. The released Buffer,
  // its `.buffer` and every view the caller made of it become detached
  // (length 0), so use after release reads nothing and writes nowhere.
  #detach(slot: Slot): void {
    const memory = slot.full.buffer as ArrayBuffer;
    const moved = structuredClone(memory, { transfer: [memory] });
    const full = Buffer.from(moved);
    slot.full = full;
    slot.view = full;
    this.#slots.set(full, slot);
  }

  #learn(size: number): void {
    const common = this.#adaptive!.record(size);
    if (common === undefined) return;
    for (const capacity of common) {
      // One window can find several common sizes: maxAddedTiers still bounds the total.
      if (!this.#adaptive!.canAdd) break;
      if (capacity > this.#maxSize) continue;
      const i = classIndexFor(this.#classes, capacity);
      const serving = this.#classes[i]!.capacity;
      if ((serving - capacity) / serving < MIN_ADAPTIVE_SAVING) continue;
      const classes = this.#classes.slice();
      classes.splice(i, 0, new SizeClass(capacity));
      this.#classes = classes;
      this.#adaptive!.added();
      if (channels.tier.hasSubscribers) channels.tier.publish({ name: this.#o.name, capacity });
    }
  }
}
