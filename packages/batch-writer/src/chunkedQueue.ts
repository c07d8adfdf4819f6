// A FIFO with O(1) push and shift at any length: a linked list of fixed-size
// chunks (the shape of Node's internal FixedQueue). Array.prototype.shift()
// moves every remaining element, so draining n items from an array costs
// O(n²); here a drained chunk is simply dropped for the garbage collector, and
// memory follows the queue's length instead of its high-water mark.

/** Slots per chunk: large enough that linking is rare, small enough that a short queue stays small. */
const CHUNK_SIZE = 1024;

class Chunk<V> {
  readonly slots: Array<V | undefined> = new Array<V | undefined>(CHUNK_SIZE);
  /** Next slot to read. */
  read = 0;
  /** Next slot to write. */
  write = 0;
  next: Chunk<V> | undefined;
}

export class ChunkedQueue<V> {
  #head = new Chunk<V>();
  #tail = this.#head;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: V): void {
    let tail = this.#tail;
    if (tail.write === CHUNK_SIZE) {
      tail = new Chunk<V>();
      this.#tail.next = tail;
      this.#tail = tail;
    }
    tail.slots[tail.write++] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value; `undefined` when empty. */
  shift(): V | undefined {
    if (this.#length === 0) return undefined;
    const head = this.#head;
    const value = head.slots[head.read];
    head.slots[head.read++] = undefined; // let the value be collected
    this.#length--;
    if (head.read === head.write) {
      // Drained. A chunk with a successor is full, so it is done with: drop it.
      // The last chunk is reused from its start.
      if (head.next !== undefined) this.#head = head.next;
      else head.read = head.write = 0;
    }
    return value;
  }

  /** Removes every value, oldest first. */
  *drain(): Generator<V, void, undefined> {
    while (this.#length > 0) yield this.shift()!;
  }
}
