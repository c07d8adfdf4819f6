import type { BufferPool } from './bufferPool.js';

/**
 * One acquired Buffer bound to its pool, for `using lease = pool.lease(n)`:
 * disposing the lease releases the Buffer.
 */
export class BufferLease {
  readonly #pool: BufferPool;
  /** The leased Buffer: exactly the requested length; do not touch it after `release()`. */
  readonly buffer: Buffer;

  constructor(pool: BufferPool, buffer: Buffer) {
    this.#pool = pool;
    this.buffer = buffer;
  }

  /** Gives the Buffer back to the pool (a second call is a double release). */
  release(): void {
    this.#pool.release(this.buffer);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
