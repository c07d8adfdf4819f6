// A bounded map from whole token strings to entries that never hashes a whole
// token. A token arriving in a request is a fresh string each time, and V8
// would spend ≈ 600 ns hashing all of it as a Map key; instead the last TAIL
// characters (the end of the signature, effectively random) are folded into a
// small integer that picks the slot (no string is created or hashed), and a
// hit still needs the stored token to equal the presented one exactly. Two
// tokens in one slot just replace each other: a lost entry costs one
// re-verification, never a wrong answer.

/** Characters from the end of the token that pick its slot. */
const TAIL = 12;

/** The slot of a token: its length and last TAIL characters folded into an int32. */
function slotOf(token: string): number {
  const end = token.length;
  let h = end;
  for (let i = end > TAIL ? end - TAIL : 0; i < end; i++) h = (Math.imul(h, 31) + token.charCodeAt(i)) | 0;
  return h;
}

/** What a TokenMap stores: the exact token it answers for, and until when (ms). */
export interface TokenEntry {
  readonly token: string;
  readonly expiresAt: number;
}

/** Insertion-ordered, bounded: when full, the oldest entry leaves first. */
export class TokenMap<E extends TokenEntry> {
  readonly #map = new Map<number, E>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The entry stored for exactly `token`, if any (expiry is the caller's to check). */
  get(token: string): E | undefined {
    const entry = this.#map.get(slotOf(token));
    return entry !== undefined && entry.token === token ? entry : undefined;
  }

  set(entry: E): void {
    const slot = slotOf(entry.token);
    if (this.#map.delete(slot) || this.#map.size < this.#maxEntries) {
      this.#map.set(slot, entry);
      return;
    }
    const oldest = this.#map.keys().next();
    if (!oldest.done) this.#map.delete(oldest.value);
    this.#map.set(slot, entry);
  }

  /** Removes `entry` if it is still the one stored for its token. */
  delete(entry: E): void {
    const slot = slotOf(entry.token);
    if (this.#map.get(slot) === entry) this.#map.delete(slot);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}
