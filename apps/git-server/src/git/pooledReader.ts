// git's output, read into pooled buffers: the socket reads straight into a
// buffer leased from @perf/buffer-pool (net's `onread`), the consumer gets it
// as a chunk and gives it back once it has been written on, so a 50 MB clone
// cycles through a few buffers instead of allocating 800 and leaving them to
// the garbage collector. At most one chunk waits for the consumer: past it the
// socket is paused, and git, its socket full, waits too (backpressure).
import type { Socket } from 'node:net';
import type { BufferPool } from '@perf/buffer-pool';

export interface Chunk {
  /** The bytes read (a view of the leased buffer). */
  readonly bytes: Buffer;
  /** Gives the buffer back to the pool; call once the bytes are no longer needed (idempotent). */
  release(): void;
}

/** Bytes asked of each read: a Unix socket rarely holds more than ~200 KB at once. */
export const READ_BYTES = 256 * 1024;

export class PooledReader implements AsyncIterable<Chunk> {
  readonly #pool: BufferPool;
  #socket: Socket | undefined;
  readonly #queue: Chunk[] = [];
  #waiter: { resolve(c: Chunk | undefined): void; reject(e: Error): void } | undefined;
  #ended = false;
  #error: Error | undefined;

  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  /** The `onread` option of the socket to read from. */
  get onread(): { buffer: () => Buffer; callback: (n: number, buffer: Buffer) => boolean } {
    return { buffer: () => this.#pool.acquire(READ_BYTES), callback: (n, buffer) => this.#push(n, buffer) };
  }

  attach(socket: Socket): void {
    this.#socket = socket;
    socket.once('end', () => this.#end(undefined));
    socket.once('close', () => this.#end(undefined));
    socket.once('error', (error) => this.#end(error));
  }

  #push(n: number, buffer: Buffer): boolean {
    let released = false;
    const chunk: Chunk = {
      bytes: buffer.subarray(0, n),
      release: () => {
        if (released) return;
        released = true;
        this.#pool.release(buffer);
      },
    };
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(chunk);
      return true;
    }
    this.#queue.push(chunk);
    return false; // pause: resumed when the consumer takes this chunk
  }

  #end(error: Error | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (error !== undefined) waiter?.reject(error);
    else waiter?.resolve(undefined);
  }

  /** The next chunk, or undefined at the end of the output. */
  next(): Promise<Chunk | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      if (this.#queue.length === 0 && !this.#ended) this.#socket?.resume();
      return Promise.resolve(queued);
    }
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Reads to the end, giving every chunk back unread (git's output nobody will see). */
  async drain(): Promise<void> {
    for (
      let c = await this.next().catch(() => undefined);
      c !== undefined;
      c = await this.next().catch(() => undefined)
    ) {
      c.release();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    for (let c = await this.next(); c !== undefined; c = await this.next()) yield c;
  }
}
