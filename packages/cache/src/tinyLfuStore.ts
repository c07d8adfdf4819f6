// W-TinyLFU (Einziger, Friedman, Manes; as in Caffeine): a window takes every
// new key; the main space is segmented (probation, and protected = 80 % of
// it). When the window overflows, its least recently read key (the candidate)
// competes with the main space's (the victim) and enters only if the sketch
// says it is used more often. A one-off scan washes through the window and
// leaves the popular keys in place. The window starts at 1 % and the climber
// (hillClimber.ts) resizes it once per sample.
//
// Sizes are weights: 1 per entry under `max`, `weigh(entry)` under `maxSize`
// (Caffeine's maximumWeight). A read costs one store into the read buffer; the
// buffered reads are applied to the sketch and the recency order in a batch
// when the buffer fills and before every write, delete and miss, so no
// decision ever misses one. The window and the protected segment keep their
// recency order CLOCK-style (a read sets a reference bit; an entry read since
// it last went round gets a second round instead of leaving), so applying a
// read is a sketch increment and a flag, not a list move.
import { CountMinSketch, counterHash, keyHash } from './countMinSketch.js';
import type { Entry } from './entry.js';
import { GhostList } from './ghostList.js';
import { HillClimber, SAMPLE_PER_ENTRY, type Sample } from './hillClimber.js';
import type { OnRemove, RemovalReason, Store } from './store.js';

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/** A node no longer in the store (a buffered read of it is skipped). */
const REMOVED = 3;

class Node<V> {
  prev: Node<V> = this;
  next: Node<V> = this;
  constructor(
    public key: string,
    public entry: Entry<V> | undefined,
    /** keyHash and counterHash of the key: computed once, so a hit hashes nothing. */
    public hash: number,
    public counter: number,
    public weight: number,
    public segment: number,
  ) {}
  /** A candidate of the eviction round in progress: never a victim of another candidate. */
  pending = false;
  /** Read while in the protected segment since it last went round (CLOCK's reference bit). */
  referenced = false;
}

/** A circular list with a sentinel; head.next is the least recently used. */
class Segment<V> {
  readonly head = new Node<V>('', undefined, 0, 0, 0, -1);
  /** Total weight of the nodes. */
  weight = 0;
  count = 0;

  push(node: Node<V>): void {
    const tail = this.head.prev;
    node.prev = tail;
    node.next = this.head;
    tail.next = node;
    this.head.prev = node;
    this.weight += node.weight;
    this.count++;
  }

  remove(node: Node<V>): void {
    node.prev.next = node.next;
    node.next.prev = node.prev;
    this.weight -= node.weight;
    this.count--;
  }

  /** Makes `node` (already in this segment) the most recent: relinks only, the totals are unchanged. */
  moveToEnd(node: Node<V>): void {
    const head = this.head;
    const tail = head.prev;
    if (tail === node) return;
    node.prev.next = node.next;
    node.next.prev = node.prev;
    node.prev = tail;
    node.next = head;
    tail.next = node;
    head.prev = node;
  }

  oldest(): Node<V> | undefined {
    const n = this.head.next;
    return n === this.head ? undefined : n;
  }
}

export interface TinyLfuStoreOptions<V> {
  /** Bound on the total weight: the number of entries when `weigh` is absent. */
  readonly capacity: number;
  /** Weight of an entry (a positive integer; throw to refuse it); absent: every entry weighs 1. */
  readonly weigh?: ((entry: Entry<V>, key: string) => number) | undefined;
  readonly onRemove: OnRemove<V>;
  /** Size the window by the climber (default true); false keeps the 1 % window. */
  readonly adaptive?: boolean;
  /** Reads buffered before they are applied (default 64; 1 applies each read at once). */
  readonly readBufferSize?: number;
  /** Other parts and constants, for the ablation in bench/ablation.ts (not part of the Cache options). */
  readonly tuning?: TinyLfuTuning;
}

/** The admission filter: what the store asks of the sketch. */
export interface FrequencyFilter {
  increment(keyHash: number, counterHash: number): void;
  frequency(keyHash: number, counterHash: number): number;
}

/** What sizes the window: called once per sample with the store's counts; returns the window's change. */
export interface WindowSizer {
  climb(sample: Sample, window: number): number;
}

/** The choices the README's ablation varies one at a time; every default is the shipped value. */
export interface TinyLfuTuning {
  /** The window's share of the capacity at start (0.01). */
  readonly initialWindow?: number;
  /** The protected segment's share of the main space (0.8). */
  readonly protectedShare?: number;
  /** Accesses per climber sample, per entry (3). */
  readonly samplePerEntry?: number;
  /** Turned-away keys remembered, per entry (0.5). */
  readonly ghostPerEntry?: number;
  /** The frequency filter for an estimated number of entries (a CountMinSketch). */
  readonly sketch?: (entries: number) => FrequencyFilter;
  /** The window sizer for a capacity (a HillClimber); undefined keeps the window fixed. */
  readonly climber?: (capacity: number) => WindowSizer | undefined;
}

/** The window's share of the capacity at start: frequency first, as Caffeine. */
const INITIAL_WINDOW = 0.01;
/** The protected segment's share of the main space. */
const PROTECTED_SHARE = 0.8;
/** Most entries moved between regions per maintenance step, so no single call pays for a large resize. */
const TRANSFER_LIMIT = 64;
/** The ghost list remembers this many turned-away keys per entry of capacity. */
const GHOST_PER_ENTRY = 0.5;
/** A weighted cache sizes its sketch and samples for at least this many entries, and grows them with the entry count. */
const MIN_ESTIMATE = 64;

export class TinyLfuStore<V> implements Store<V> {
  readonly #map = new Map<string, Node<V>>();
  readonly #segments: [Segment<V>, Segment<V>, Segment<V>];
  readonly #onRemove: OnRemove<V>;
  readonly #weigh: ((entry: Entry<V>, key: string) => number) | undefined;
  readonly #capacity: number;
  readonly #climber: WindowSizer | undefined;
  readonly #newSketch: (entries: number) => FrequencyFilter;
  readonly #samplePerEntry: number;
  readonly #ghostPerEntry: number;
  readonly #protectedShare: number;
  #sketch: FrequencyFilter;
  #ghost: GhostList;
  /** Entries the sketch and the samples are sized for (the capacity, or a growing estimate when weighted). */
  #estimate: number;
  /** Target weights; the segments reach them a bounded number of moves per maintenance step. */
  #windowMax: number;
  #protectedMax: number;
  /** Scratch arrays of #evict and #judge, reused so a write allocates nothing. */
  readonly #candidates: Array<Node<V> | undefined> = [];
  readonly #victims: Array<Node<V> | undefined> = [];
  /** The read buffer: nodes hit since the last drain, applied in order. */
  readonly #reads: Array<Node<V> | undefined>;
  #readCount = 0;
  // The current sample of the climber.
  #requests = 0;
  #hits = 0;
  #windowHits = 0;
  #ghostHits = 0;
  #sampleSize: number;
  /** Keys the admission filter turned away (a one-off scan shows up here). */
  rejected = 0;

  constructor(options: TinyLfuStoreOptions<V>) {
    const capacity = options.capacity;
    this.#capacity = capacity;
    this.#weigh = options.weigh;
    this.#onRemove = options.onRemove;
    const tuning = options.tuning ?? {};
    this.#newSketch = tuning.sketch ?? ((entries) => new CountMinSketch(entries));
    this.#samplePerEntry = tuning.samplePerEntry ?? SAMPLE_PER_ENTRY;
    this.#ghostPerEntry = tuning.ghostPerEntry ?? GHOST_PER_ENTRY;
    this.#protectedShare = tuning.protectedShare ?? PROTECTED_SHARE;
    this.#estimate = this.#weigh === undefined ? capacity : Math.min(capacity, MIN_ESTIMATE);
    this.#sketch = this.#newSketch(this.#estimate);
    this.#ghost = new GhostList(Math.ceil(this.#estimate * this.#ghostPerEntry));
    this.#sampleSize = this.#samplePerEntry * this.#estimate;
    this.#windowMax = Math.max(1, Math.round(capacity * (tuning.initialWindow ?? INITIAL_WINDOW)));
    this.#protectedMax = this.#protectedFor(this.#windowMax);
    this.#segments = [new Segment(), new Segment(), new Segment()];
    const climber = tuning.climber ?? ((c: number) => new HillClimber(c));
    this.#climber = options.adaptive === false || capacity < 2 ? undefined : climber(capacity);
    this.#reads = new Array<Node<V> | undefined>(Math.max(1, options.readBufferSize ?? 64)).fill(undefined);
  }

  /** The window's current target size (weight); the rest is the main space. */
  get windowCapacity(): number {
    return this.#windowMax;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Total weight held (the number of entries when unweighted). */
  get weight(): number {
    const [w, p, q] = this.#segments;
    return w.weight + p.weight + q.weight;
  }

  get(key: string): Entry<V> | undefined {
    const node = this.#map.get(key);
    if (node === undefined) {
      this.#miss(key);
      return undefined;
    }
    // The hit path: one array store. The sketch and the LRU order learn of it at the next drain.
    this.#reads[this.#readCount++] = node;
    if (this.#readCount === this.#reads.length) this.#drainReads();
    return node.entry;
  }

  peek(key: string): Entry<V> | undefined {
    return this.#map.get(key)?.entry;
  }

  set(key: string, entry: Entry<V>): boolean {
    // Measured before anything changes: a size function that throws leaves the store as it was.
    const weight = this.#weigh === undefined ? 1 : this.#weigh(entry, key);
    this.#drainReads();
    const existing = this.#map.get(key);
    if (weight > this.#capacity) {
      // Larger than the whole cache: never stored, and the outdated value goes (as lru-cache does).
      if (existing !== undefined) this.#drop(existing, 'replace');
      return false;
    }
    if (existing !== undefined) {
      const old = existing.entry!;
      existing.entry = entry;
      this.#reweigh(existing, weight);
      this.#touch(existing);
      this.#onRemove(key, old, 'replace');
      this.#evict();
      return true;
    }
    const hash = keyHash(key);
    const node = new Node<V>(key, entry, hash, counterHash(hash), weight, WINDOW);
    this.#map.set(key, node);
    this.#segments[WINDOW].push(node);
    if (this.#weigh !== undefined && this.#map.size > this.#estimate) this.#grow();
    this.#evict();
    return true;
  }

  delete(key: string): boolean {
    this.#drainReads();
    const node = this.#map.get(key);
    if (node === undefined) return false;
    this.#drop(node, 'delete');
    return true;
  }

  clear(): void {
    this.#drainReads();
    for (const node of [...this.#map.values()]) this.#drop(node, 'delete');
  }

  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  #protectedFor(windowMax: number): number {
    return Math.max(1, Math.floor((this.#capacity - windowMax) * this.#protectedShare));
  }

  /**
   * A miss: applies the buffered reads first (so the sketch and the samples see
   * every access in order), then counts the key's access and whether the
   * admission filter had turned it away recently.
   */
  #miss(key: string): void {
    this.#drainReads();
    const hash = keyHash(key);
    this.#sketch.increment(hash, counterHash(hash));
    if (this.#ghost.take(hash)) this.#ghostHits++;
    if (++this.#requests >= this.#sampleSize) this.#endSample();
  }

  /**
   * Applies the buffered reads in order: each counts in the sketch and the
   * sample and moves its entry up the LRU order. Every write, delete and miss
   * drains first, so no eviction decision ever misses a read.
   */
  #drainReads(): void {
    const n = this.#readCount;
    if (n === 0) return;
    this.#readCount = 0;
    const reads = this.#reads;
    const sketch = this.#sketch;
    // The sample ends inside this batch only rarely: then count read by read, else once for all.
    const exact = this.#requests + n >= this.#sampleSize;
    let hits = 0;
    let windowHits = 0;
    for (let i = 0; i < n; i++) {
      const node = reads[i]!;
      reads[i] = undefined;
      const segment = node.segment;
      if (segment === REMOVED) continue;
      sketch.increment(node.hash, node.counter);
      if (segment === PROBATION) this.#promote(node);
      else node.referenced = true;
      if (exact) {
        this.#hits++;
        if (segment === WINDOW) this.#windowHits++;
        if (++this.#requests >= this.#sampleSize) this.#endSample();
      } else {
        hits++;
        if (segment === WINDOW) windowHits++;
      }
    }
    this.#hits += hits;
    this.#windowHits += windowHits;
    this.#requests += hits;
  }

  /** Applies the climber's step to the targets; entries follow in #evict, a bounded number per write. */
  #endSample(): void {
    const climber = this.#climber;
    if (climber !== undefined) {
      const [window, probation, prot] = this.#segments;
      const delta = climber.climb(
        {
          requests: this.#requests,
          hits: this.#hits,
          windowHits: this.#windowHits,
          ghostHits: this.#ghostHits,
          ghostCapacity: this.#ghost.capacity,
          mainEntries: probation.count + prot.count,
        },
        this.#windowMax,
      );
      if (delta !== 0) {
        this.#windowMax = Math.min(this.#capacity - 1, Math.max(1, this.#windowMax + delta));
        this.#protectedMax = this.#protectedFor(this.#windowMax);
        // A shrinking window hands its oldest entries to probation now, a bounded number at a time.
        this.#shrinkWindow(window, probation);
      }
    }
    this.#requests = 0;
    this.#hits = 0;
    this.#windowHits = 0;
    this.#ghostHits = 0;
  }

  #shrinkWindow(window: Segment<V>, probation: Segment<V>): void {
    for (let i = 0; i < TRANSFER_LIMIT && window.weight > this.#windowMax; i++) {
      const n = this.#leastRecent(window);
      window.remove(n);
      n.segment = PROBATION;
      n.referenced = false;
      probation.push(n);
    }
  }

  /** Moves an accessed node: window → window MRU, probation → protected, protected → MRU. */
  #touch(node: Node<V>): void {
    if (node.segment === PROBATION) this.#promote(node);
    else node.referenced = true;
  }

  /**
   * The window's least recently read entry, CLOCK-style: an entry read since
   * it last went round goes round again (a bounded number per call).
   */
  #leastRecent(window: Segment<V>): Node<V> {
    let oldest = window.oldest()!;
    for (let i = 0; i < TRANSFER_LIMIT && oldest.referenced; i++) {
      oldest.referenced = false;
      window.moveToEnd(oldest);
      oldest = window.oldest()!;
    }
    return oldest;
  }

  /** A second access in probation: into the protected segment, whose oldest may go back to probation. */
  #promote(node: Node<V>): void {
    this.#segments[PROBATION].remove(node);
    const prot = this.#segments[PROTECTED];
    node.segment = PROTECTED;
    node.referenced = false;
    prot.push(node);
    this.#demote(prot);
  }

  /**
   * While the protected segment is over its target, its oldest entry goes back
   * to probation, unless it was read since it last went round: then it goes
   * round again (CLOCK's second chance: a read costs a flag, not a move, and
   * the order still puts the least recently read first). Bounded per call.
   */
  #demote(prot: Segment<V>): void {
    const probation = this.#segments[PROBATION];
    for (let i = 0; i < TRANSFER_LIMIT && prot.weight > this.#protectedMax; i++) {
      const oldest = prot.oldest()!;
      if (oldest.referenced) {
        oldest.referenced = false;
        prot.moveToEnd(oldest);
        continue;
      }
      prot.remove(oldest);
      oldest.segment = PROBATION;
      probation.push(oldest);
    }
  }

  #reweigh(node: Node<V>, weight: number): void {
    const seg = this.#segments[node.segment as 0 | 1 | 2];
    seg.weight += weight - node.weight;
    node.weight = weight;
  }

  /**
   * After a write: the window's oldest entries beyond its target move to
   * probation and become candidates. Then, while the cache is over its
   * capacity, the oldest candidate is judged against the main space's oldest
   * entries (the victims) that would make room for it: it enters only if the
   * sketch says it is used more often than each of them, else it goes. With
   * weights a heavy candidate may need several victims, and must beat them
   * all. Ends within the capacity: every round evicts, and no entry is heavier
   * than the capacity.
   */
  #evict(): void {
    const [window, probation, prot] = this.#segments;
    const candidates = this.#candidates;
    let count = 0;
    for (let i = 0; i < TRANSFER_LIMIT && window.weight > this.#windowMax; i++) {
      const n = this.#leastRecent(window);
      window.remove(n);
      n.segment = PROBATION;
      n.referenced = false;
      n.pending = true;
      probation.push(n);
      candidates[count++] = n;
    }
    let judged = 0;
    let over = window.weight + probation.weight + prot.weight - this.#capacity;
    while (over > 0 && judged < count) {
      const candidate = candidates[judged++]!;
      candidate.pending = false;
      over -= this.#judge(candidate, Math.min(over, candidate.weight), probation, prot);
    }
    for (let i = 0; i < count; i++) {
      candidates[i]!.pending = false;
      candidates[i] = undefined;
    }
    // No newcomer left to judge (the window is growing, or an entry got heavier): the main space
    // gives up its oldest, then the window.
    while (over > 0) {
      const victim = probation.oldest() ?? prot.oldest() ?? window.oldest()!;
      over -= victim.weight;
      this.#drop(victim, 'evict');
    }
  }

  /**
   * Admits `candidate` if it is used more often than every one of the oldest
   * main entries that together weigh at least `need`, evicting them; otherwise
   * evicts the candidate. Returns the weight freed.
   */
  #judge(candidate: Node<V>, need: number, probation: Segment<V>, prot: Segment<V>): number {
    const sketch = this.#sketch;
    const frequency = sketch.frequency(candidate.hash, candidate.counter);
    const victims = this.#victims;
    let found = 0;
    let weight = 0;
    let admit = true;
    for (let seg = probation, node = seg.head.next; weight < need; node = node.next) {
      if (node === seg.head) {
        if (seg === prot) break;
        seg = prot;
        node = prot.head;
        continue;
      }
      if (node.pending || node === candidate) continue; // newcomers are not victims of each other
      victims[found++] = node;
      weight += node.weight;
      if (sketch.frequency(node.hash, node.counter) >= frequency) {
        admit = false;
        break;
      }
    }
    if (weight < need) admit = false; // nothing else to make room with
    let freed = 0;
    if (admit) {
      for (let i = 0; i < found; i++) {
        freed += victims[i]!.weight;
        this.#drop(victims[i]!, 'evict');
      }
    } else {
      this.rejected++;
      this.#ghost.add(candidate.hash);
      freed = candidate.weight;
      this.#drop(candidate, 'evict');
    }
    victims.fill(undefined, 0, found);
    return freed;
  }

  /** A weighted cache holds more entries than it was sized for: a larger sketch, samples and ghost list. */
  #grow(): void {
    this.#estimate = Math.min(this.#map.size * 2, this.#capacity);
    this.#sketch = this.#newSketch(this.#estimate);
    this.#ghost.reset(Math.ceil(this.#estimate * this.#ghostPerEntry));
    this.#sampleSize = this.#samplePerEntry * this.#estimate;
  }

  #drop(node: Node<V>, reason: RemovalReason): void {
    this.#segments[node.segment as 0 | 1 | 2].remove(node);
    node.segment = REMOVED;
    this.#map.delete(node.key);
    this.#onRemove(node.key, node.entry!, reason);
  }
}
