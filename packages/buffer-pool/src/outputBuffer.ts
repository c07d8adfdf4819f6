import type { BufferPool } from './bufferPool.js';
import { channels } from './channels.js';
import { OutputReleasedError } from './errors.js';
import type { ResolvedOutputOptions } from './options.js';

/**
 * Captures a stream (child stdout/stderr, an HTTP body) into pooled memory.
 * Keeps the first bytes: once more than `maxBytes` arrive it keeps the first
 * `maxBytes - marker.length`, appends the marker and counts what it dropped.
 */
export class OutputBuffer {
  readonly #pool: BufferPool;
  readonly #remember: (length: number) => void;
  readonly #maxBytes: number;
  readonly #marker: Buffer;
  #buffer: Buffer | undefined;
  #length = 0;
  #truncated = false;
  #droppedBytes = 0;

  /** Use `pool.output()`, which checks the options. */
  constructor(pool: BufferPool, options: ResolvedOutputOptions, remember: (length: number) => void) {
    this.#pool = pool;
    this.#remember = remember;
    this.#maxBytes = options.maxBytes;
    this.#marker = options.marker;
    // Exactly `initialBytes`, not its class: with adaptive tiering on, the pool then learns the real sizes.
    this.#buffer = pool.acquire(options.initialBytes);
  }

  /** Bytes captured so far (marker included once truncated). */
  get length(): number {
    return this.#length;
  }

  /** Whether output beyond `maxBytes` arrived and was cut. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Bytes of output that were not kept. */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  /** Appends a chunk. Returns false if any of it was dropped by truncation. Throws after `release()`. */
  write(chunk: Uint8Array | string): boolean {
    const buffer = this.#live('write to');
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.#truncated) {
      this.#droppedBytes += data.length;
      return false;
    }
    const end = this.#length + data.length;
    if (end <= this.#maxBytes) {
      this.#ensure(buffer, end).set(data, this.#length);
      this.#length = end;
      return true;
    }
    // Over the cap: keep the head, then the marker, within exactly maxBytes.
    const keep = this.#maxBytes - this.#marker.length;
    const target = this.#ensure(buffer, this.#maxBytes);
    if (this.#length < keep) target.set(data.subarray(0, keep - this.#length), this.#length);
    target.set(this.#marker, keep);
    this.#droppedBytes += end - keep;
    this.#length = this.#maxBytes;
    this.#truncated = true;
    if (channels.truncate.hasSubscribers) {
      channels.truncate.publish({ name: this.#pool.name, maxBytes: this.#maxBytes });
    }
    return false;
  }

  /** Writes every chunk of a stream or async iterable (e.g. `child.stdout`), resolving at its end. */
  async writeFrom(source: AsyncIterable<Uint8Array | string>): Promise<void> {
    for await (const chunk of source) this.write(chunk);
  }

  /**
   * The captured bytes: a view of pooled memory, valid until the next `write()` (which may grow the output
   * and give the old memory back to the pool) or `release()`; copy it to keep it longer.
   */
  bytes(): Buffer {
    return this.#live('read').subarray(0, this.#length);
  }

  /** The captured bytes decoded (UTF-8 by default). */
  toString(encoding: BufferEncoding = 'utf8'): string {
    return this.#live('read').toString(encoding, 0, this.#length);
  }

  /** Gives the memory back to the pool. Idempotent; reads and writes afterwards throw `OutputReleasedError`. */
  release(): void {
    if (this.#buffer === undefined) return;
    this.#remember(this.#length);
    this.#pool.release(this.#buffer);
    this.#buffer = undefined;
  }

  [Symbol.dispose](): void {
    this.release();
  }

  #live(action: string): Buffer {
    if (this.#buffer === undefined) throw new OutputReleasedError(action);
    return this.#buffer;
  }

  #ensure(buffer: Buffer, needed: number): Buffer {
    if (needed <= buffer.length) return buffer;
    const size = Math.min(Math.max(needed, buffer.length * 2), this.#maxBytes);
    // A whole class (or exactly `size` above the pool's classes): growth uses all the memory it takes.
    const grown = this.#pool.acquire(this.#pool.capacityFor(size) ?? size);
    buffer.copy(grown, 0, 0, this.#length);
    this.#pool.release(buffer);
    this.#buffer = grown;
    return grown;
  }
}
