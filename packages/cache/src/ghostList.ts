// The hashes of the last keys the admission filter turned away, oldest
// forgotten first. A miss on one of them means a larger window would have
// kept the key until it came back: the evidence the window climber needs
// before it spends hits on probing a larger window. Hashes only (no keys, no
// values): 12 to 20 bytes per remembered key, touched on the miss path only.

export class GhostList {
  /** Ring of the remembered hashes, in the order they were added. */
  #ring: Uint32Array;
  /** hash → its sequence number (position in the ring's history). */
  readonly #seq = new Map<number, number>();
  #next = 0;

  constructor(capacity: number) {
    this.#ring = new Uint32Array(Math.max(1, capacity));
  }

  get capacity(): number {
    return this.#ring.length;
  }

  /** Remembers a turned-away key, forgetting the oldest one when full. */
  add(hash: number): void {
    const ring = this.#ring;
    const slot = this.#next % ring.length;
    if (this.#next >= ring.length) {
      const old = ring[slot]!;
      if (this.#seq.get(old) === this.#next - ring.length) this.#seq.delete(old);
    }
    ring[slot] = hash;
    this.#seq.set(hash, this.#next++);
  }

  /** Whether the key was turned away recently; forgets it either way (a returning key counts once). */
  take(hash: number): boolean {
    const at = this.#seq.get(hash);
    if (at === undefined) return false;
    this.#seq.delete(hash);
    return this.#next - at <= this.#ring.length;
  }

  /** Forgets everything and remembers up to `capacity` keys from now on. */
  reset(capacity: number): void {
    this.#ring = new Uint32Array(Math.max(1, capacity));
    this.#seq.clear();
    this.#next = 0;
  }
}
