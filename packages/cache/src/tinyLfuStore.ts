// W-TinyLFU (Einziger, Friedman, Manes; as in Caffeine): an LRU window takes
// every new key; the main space is a segmented LRU (20% probation, 80%
// protected). When the window overflows, its oldest key competes with the main
// space's victim and enters only if the sketch says it is used more often. A
// one-off scan therefore washes through the window and leaves the popular keys
// in place. The window starts at 1% and a hill climber resizes it
// (hillClimber.ts): larger for recency-biased traffic, smaller for
// frequency-biased traffic.
import { CountMinSketch, hashString } from './countMinSketch.js';
import type { Entry } from './entry.js';
import { HillClimber } from './hillClimber.js';
import type { OnRemove, Store } from './store.js';

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;

class Node<V> {
  prev: Node<V> = this;
  next: Node<V> = this;
  constructor(
    public key: string,
    public entry: Entry<V> | undefined,
    public hash: number,
    public segment: number,
  ) {}
}

/** A circular list with a sentinel; head.next is the least recently used. */
class Segment<V> {
  readonly head = new Node<V>('', undefined, 0, -1);
  size = 0;

  push(node: Node<V>): void {
    const tail = this.head.prev;
    node.prev = tail;
    node.next = this.head;
    tail.next = node;
    this.head.prev = node;
    this.size++;
  }

  remove(node: Node<V>): void {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    this.size--;
  }

  oldest(): Node<V> | undefined {
    const n = this.head.next;
    return n === this.head ? undefined : n;
  }
}

export interface TinyLfuStoreOptions<V> {
  readonly max: number;
  readonly onRemove: OnRemove<V>;
  /** Size the window by hill climbing (default true); false keeps the 1 % window. */
  readonly adaptive?: boolean;
  /** Accesses per hill-climbing sample (default 10 × max). */
  readonly sampleSize?: number;
}

/** Most window keys moved to the main space per write while the window shrinks: O(1) per access. */
const TRANSFER_PER_WRITE = 2;

export class TinyLfuStore<V> implements Store<V> {
  readonly #map = new Map<string, Node<V>>();
  readonly #segments: [Segment<V>, Segment<V>, Segment<V>];
  readonly #sketch: CountMinSketch;
  readonly #climber: HillClimber | undefined;
  readonly #onRemove: OnRemove<V>;
  readonly #max: number;
  /** Target sizes; the segments reach them lazily, a few keys per access. */
  #windowMax: number;
  #protectedMax: number;
  /** The current sample: hits, and accesses left before it ends (Infinity when not adaptive). */
  #sampleHits = 0;
  #sampleLeft: number;
  /** Keys the admission filter turned away (a one-off scan shows up here). */
  rejected = 0;

  constructor(options: TinyLfuStoreOptions<V>) {
    const max = options.max;
    this.#max = max;
    this.#windowMax = Math.max(1, Math.round(max * 0.01));
    this.#protectedMax = this.#protectedFor(this.#windowMax);
    this.#segments = [new Segment(), new Segment(), new Segment()];
    this.#sketch = new CountMinSketch(max);
    this.#climber = options.adaptive === false || max < 2 ? undefined : new HillClimber(max, options.sampleSize);
    this.#sampleLeft = this.#climber?.sampleSize ?? Number.POSITIVE_INFINITY;
    this.#onRemove = options.onRemove;
  }

  /** The window's current target size (entries); the rest is the main space. */
  get windowCapacity(): number {
    return this.#windowMax;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): Entry<V> | undefined {
    const node = this.#map.get(key);
    if (node === undefined) {
      this.#sketch.increment(hashString(key));
      if (--this.#sampleLeft === 0) this.#endSample();
      return undefined;
    }
    this.#sketch.increment(node.hash);
    this.#sampleHits++;
    if (--this.#sampleLeft === 0) this.#endSample();
    this.#touch(node);
    return node.entry;
  }

  peek(key: string): Entry<V> | undefined {
    return this.#map.get(key)?.entry;
  }

  set(key: string, entry: Entry<V>): void {
    const existing = this.#map.get(key);
    if (existing !== undefined) {
      const old = existing.entry!;
      existing.entry = entry;
      this.#touch(existing);
      this.#onRemove(key, old, 'replace');
      return;
    }
    const node = new Node<V>(key, entry, hashString(key), WINDOW);
    this.#map.set(key, node);
    this.#segments[WINDOW].push(node);
    this.#evict();
  }

  delete(key: string): boolean {
    const node = this.#map.get(key);
    if (node === undefined) return false;
    this.#drop(node, 'delete');
    return true;
  }

  clear(): void {
    for (const node of [...this.#map.values()]) this.#drop(node, 'delete');
  }

  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  #protectedFor(windowMax: number): number {
    return Math.max(1, Math.floor((this.#max - windowMax) * 0.8));
  }

  /** Applies the climber's step to the targets only; keys follow in #evict and #touch. */
  #endSample(): void {
    const climber = this.#climber!;
    const delta = climber.climb(this.#sampleHits / climber.sampleSize);
    this.#sampleHits = 0;
    this.#sampleLeft = climber.sampleSize;
    if (delta === 0) return;
    const next = Math.min(this.#max - 1, Math.max(1, this.#windowMax + delta));
    this.#windowMax = next;
    this.#protectedMax = this.#protectedFor(next);
  }

  /** Moves an accessed node: window → window MRU, probation → protected, protected → MRU. */
  #touch(node: Node<V>): void {
    const seg = this.#segments[node.segment as 0 | 1 | 2];
    seg.remove(node);
    if (node.segment !== PROBATION) {
      seg.push(node);
      return;
    }
    const prot = this.#segments[PROTECTED];
    node.segment = PROTECTED;
    prot.push(node);
    // Demote the protected segment's oldest back to probation (two at most, so
    // a shrunken protected target is reached over a few accesses).
    for (let i = 0; i < 2 && prot.size > this.#protectedMax; i++) {
      const demoted = prot.oldest()!;
      prot.remove(demoted);
      demoted.segment = PROBATION;
      this.#segments[PROBATION].push(demoted);
    }
  }

  /**
   * After a write: the window's oldest keys beyond its target move to the main
   * space's probation segment; then, if the cache is over `max`, the first of
   * them (the candidate) and the main space's oldest (the victim) compete and
   * the one the sketch says is used less often is evicted. A one-off scan
   * therefore washes through the window and leaves the popular keys in place.
   */
  #evict(): void {
    const window = this.#segments[WINDOW];
    const probation = this.#segments[PROBATION];
    let candidate: Node<V> | undefined;
    for (let i = 0; i < TRANSFER_PER_WRITE && window.size > this.#windowMax; i++) {
      const n = window.oldest()!;
      window.remove(n);
      n.segment = PROBATION;
      probation.push(n);
      candidate ??= n;
    }
    if (this.#map.size <= this.#max) return;
    let victim = probation.oldest();
    if (victim === candidate) victim = this.#segments[PROTECTED].oldest();
    if (candidate === undefined) {
      // The window is growing: the main space gives up its oldest key.
      this.#drop(victim ?? window.oldest()!, 'evict');
    } else if (victim !== undefined && this.#admit(candidate, victim)) {
      this.#drop(victim, 'evict');
    } else {
      this.rejected++;
      this.#drop(candidate, 'evict');
    }
  }

  #admit(candidate: Node<V>, victim: Node<V>): boolean {
    return this.#sketch.frequency(candidate.hash) > this.#sketch.frequency(victim.hash);
  }

  #drop(node: Node<V>, reason: 'evict' | 'delete'): void {
    this.#segments[node.segment as 0 | 1 | 2].remove(node);
    this.#map.delete(node.key);
    this.#onRemove(node.key, node.entry!, reason);
  }
}
