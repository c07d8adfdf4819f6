// W-TinyLFU (Einziger, Friedman, Manes; as in Caffeine): a small LRU window
// (1%) takes every new key; the main space is a segmented LRU (20% probation,
// 80% protected). When the window overflows, its oldest key competes with the
// main space's victim and enters only if the sketch says it is used more often.
// A one-off scan therefore washes through the window and leaves the popular
// keys in place.
import { CountMinSketch, hashString } from './countMinSketch.js';
import type { Entry } from './entry.js';
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
  constructor(readonly capacity: number) {}

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
}

export class TinyLfuStore<V> implements Store<V> {
  readonly #map = new Map<string, Node<V>>();
  readonly #segments: [Segment<V>, Segment<V>, Segment<V>];
  readonly #sketch: CountMinSketch;
  readonly #onRemove: OnRemove<V>;
  /** Keys the admission filter turned away (a one-off scan shows up here). */
  rejected = 0;

  constructor(options: TinyLfuStoreOptions<V>) {
    const max = options.max;
    const window = Math.max(1, Math.round(max * 0.01));
    const main = Math.max(1, max - window);
    const protectedCap = Math.max(1, Math.floor(main * 0.8));
    this.#segments = [new Segment(window), new Segment(main), new Segment(protectedCap)];
    this.#sketch = new CountMinSketch(max);
    this.#onRemove = options.onRemove;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: string): Entry<V> | undefined {
    const node = this.#map.get(key);
    if (node === undefined) {
      this.#sketch.increment(hashString(key));
      return undefined;
    }
    this.#sketch.increment(node.hash);
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
    const window = this.#segments[WINDOW];
    window.push(node);
    if (window.size > window.capacity) this.#admitFromWindow(window.oldest()!);
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
    if (prot.size > prot.capacity) {
      // Demote the protected segment's oldest back to probation.
      const demoted = prot.oldest()!;
      prot.remove(demoted);
      demoted.segment = PROBATION;
      this.#segments[PROBATION].push(demoted);
    }
  }

  /** The window's oldest key either enters the main space or is evicted, by frequency. */
  #admitFromWindow(candidate: Node<V>): void {
    const window = this.#segments[WINDOW];
    const probation = this.#segments[PROBATION];
    const prot = this.#segments[PROTECTED];
    window.remove(candidate);
    candidate.segment = PROBATION;
    if (probation.size + prot.size < probation.capacity) {
      probation.push(candidate);
      return;
    }
    const victim = probation.oldest() ?? prot.oldest()!;
    if (this.#sketch.frequency(candidate.hash) > this.#sketch.frequency(victim.hash)) {
      probation.push(candidate);
      this.#drop(victim, 'evict');
    } else {
      this.rejected++;
      // Not in any list any more; #drop must not unlink it again.
      candidate.segment = -1;
      this.#drop(candidate, 'evict');
    }
  }

  #drop(node: Node<V>, reason: 'evict' | 'delete'): void {
    if (node.segment >= 0) this.#segments[node.segment as 0 | 1 | 2].remove(node);
    this.#map.delete(node.key);
    this.#onRemove(node.key, node.entry!, reason);
  }
}
