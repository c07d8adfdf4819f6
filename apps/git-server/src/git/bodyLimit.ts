// The request body on its way to git: counted, cut off past its limit, and
// shown to an optional sniffer. The limit counts bytes after gunzip, so a
// small compressed body cannot expand into an unbounded one.
import { Transform, type TransformCallback } from 'node:stream';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly limit: number;

  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.limit = limit;
  }
}

export class BodyLimit extends Transform {
  bytes = 0;
  readonly #limit: number;
  readonly #see: ((chunk: Buffer) => void) | undefined;

  constructor(limit: number, see?: (chunk: Buffer) => void) {
    super();
    this.#limit = limit;
    this.#see = see;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.#limit) {
      done(new BodyTooLargeError(this.#limit));
      return;
    }
    this.#see?.(chunk);
    done(null, chunk);
  }
}
