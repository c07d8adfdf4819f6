// Key states in process, bounded without a timer per key. Two generations of
// Maps: a lookup reads the current one, then the previous one (moving the key
// forward). Every `idleMs` the previous generation is dropped whole: a key in
// it was last touched at least `idleMs` ago, so its state equals a new key's
// and forgetting it changes no decision. Past `maxKeys`, a key of the older
// generation goes first, in insertion order (an approximate LRU: a hit does
// not reorder keys within a generation, which would cost a delete and a set),
// counted as an eviction. Every step is O(1).
/** Values per key that forget keys untouched for `idleMs`; `V` is a V, or a lease. */
export class MemoryStore<V> {
  #current = new Map<string, V>();
  #previous = new Map<string, V>();
  #rotateAt: number;
  readonly #periodMs: number;
  readonly #maxKeys: number;
  readonly #onEvict: (key: string) => void;

  constructor(idleMs: number, maxKeys: number, now: number, onEvict: (key: string) => void) {
    this.#periodMs = Math.max(1, idleMs);
    this.#maxKeys = maxKeys;
    this.#rotateAt = now + this.#periodMs;
    this.#onEvict = onEvict;
  }

  /** Keys held now (both generations). */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  get(key: string, now: number): V | undefined {
    if (now >= this.#rotateAt) this.#rotate(now);
    const state = this.#current.get(key);
    if (state !== undefined) return state;
    return this.#promote(key);
  }

  /** Reads without moving the key or rotating (for peek). */
  find(key: string): V | undefined {
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  add(key: string, state: V, now: number): void {
    if (this.size >= this.#maxKeys) this.#evictOne(now);
    this.#current.set(key, state);
  }

  delete(key: string): boolean {
    const a = this.#current.delete(key);
    const b = this.#previous.delete(key);
    return a || b;
  }

  /** Every key and value held (both generations). */
  *entries(): IterableIterator<[string, V]> {
    yield* this.#previous;
    yield* this.#current;
  }

  clear(): void {
    this.#current.clear();
    this.#previous.clear();
  }

  #promote(key: string): V | undefined {
    const state = this.#previous.get(key);
    if (state !== undefined) {
      this.#previous.delete(key);
      this.#current.set(key, state);
    }
    return state;
  }

  #rotate(now: number): void {
    // Both generations are idle after a pause of two periods.
    this.#previous = now >= this.#rotateAt + this.#periodMs ? new Map() : this.#current;
    this.#current = new Map();
    this.#rotateAt = now + this.#periodMs;
  }

  #evictOne(now: number): void {
    if (this.#previous.size === 0) {
      // An early rotation: the next one drops these keys only once they have been idle a full period.
      this.#previous = this.#current;
      this.#current = new Map();
      this.#rotateAt = now + this.#periodMs;
    }
    const oldest = this.#previous.keys().next().value;
    if (oldest === undefined) return;
    this.#previous.delete(oldest);
    this.#onEvict(oldest);
  }
}
