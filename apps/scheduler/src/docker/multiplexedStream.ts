// Docker's multiplexed stream (the body of logs, attach and exec start of a
// container without a TTY): frames of an 8-byte header — the stream (0 stdin,
// 1 stdout, 2 stderr, 3 an error from the daemon), three zero bytes, the
// payload length as a big-endian uint32 — then the payload. Chunks from the
// socket cut headers and payloads anywhere; payload bytes are passed on as
// they arrive, never buffered whole.

export type StreamKind = 'stdin' | 'stdout' | 'stderr' | 'system-error';

const KINDS: readonly StreamKind[] = ['stdin', 'stdout', 'stderr', 'system-error'];
export const FRAME_HEADER_BYTES = 8;

export class CorruptStreamError extends Error {
  override readonly name = 'CorruptStreamError';
  readonly code = 'SCHEDULER_DOCKER_STREAM';
}

/** An 8-byte header for a frame of `length` bytes on `kind` (the daemon's side; tests and benchmarks use it). */
export function frameHeader(kind: StreamKind, length: number): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header[0] = KINDS.indexOf(kind);
  header.writeUInt32BE(length, 4);
  return header;
}

export class StreamDemultiplexer {
  readonly #onData: (kind: StreamKind, data: Buffer) => void;
  readonly #header = Buffer.alloc(FRAME_HEADER_BYTES);
  #headerBytes = 0;
  #kind: StreamKind = 'stdout';
  #remaining = 0;

  constructor(onData: (kind: StreamKind, data: Buffer) => void) {
    this.#onData = onData;
  }

  /** Whether the stream ended between frames (a cut inside a frame means the daemon went away mid-write). */
  get atFrameBoundary(): boolean {
    return this.#headerBytes === 0 && this.#remaining === 0;
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(FRAME_HEADER_BYTES - this.#headerBytes, chunk.length - at);
        chunk.copy(this.#header, this.#headerBytes, at, at + take);
        this.#headerBytes += take;
        at += take;
        if (this.#headerBytes < FRAME_HEADER_BYTES) return;
        this.#headerBytes = 0;
        const kind = KINDS[this.#header[0] as number];
        if (kind === undefined || this.#header[1] !== 0 || this.#header[2] !== 0 || this.#header[3] !== 0) {
          throw new CorruptStreamError(
            `not a Docker multiplexed stream: frame header ${this.#header.toString('hex')} (is the container's tty setting right?)`,
          );
        }
        this.#kind = kind;
        this.#remaining = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      this.#onData(this.#kind, chunk.subarray(at, at + take));
      this.#remaining -= take;
      at += take;
    }
  }
}
