// The request body on its way to git: counted, cut off past its limit, and
// shown to an optional sniffer. The limit counts bytes after gunzip, so a
// small compressed body cannot expand into an unbounded one.
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';

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

/** The client went away before it had sent the whole body. */
export class BodyAbortedError extends Error {
  override readonly name = 'BodyAbortedError';
}

/**
 * The request body, gunzipped when `gzip`, through `limit`. Failures (the
 * limit, a bad gzip stream, the client going away) end `limit` with the error
 * but never destroy the request itself: destroying it would close the socket
 * before the server could answer 413 or 400.
 */
export function requestBody(req: IncomingMessage, gzip: boolean, limit: BodyLimit): BodyLimit {
  const fail = (error: Error) => {
    req.unpipe();
    if (!limit.destroyed) limit.destroy(error);
  };
  req.once('close', () => {
    if (!req.complete) fail(new BodyAbortedError('the client closed the connection while sending'));
  });
  req.once('error', fail);
  if (gzip) {
    const gunzip = createGunzip();
    gunzip.once('error', fail);
    req.pipe(gunzip).pipe(limit);
  } else req.pipe(limit);
  return limit;
}
