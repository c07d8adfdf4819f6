// The peer of the pooled capture: what capture code without a pool does —
// keep every chunk a pipe delivers, then Buffer.concat them — with the same
// cut at max-output, behind the same interface as the pool's OutputBuffer.
import type { CapturedOutput, OutputSource } from '../src/runtime/run.js';

class UnpooledOutput implements CapturedOutput {
  readonly #maxBytes: number;
  readonly #marker: Buffer;
  #chunks: Buffer[] = [];
  length = 0;
  truncated = false;
  droppedBytes = 0;

  constructor(maxBytes: number, marker: string) {
    this.#maxBytes = maxBytes;
    this.#marker = Buffer.from(marker);
  }

  write(chunk: Uint8Array | string): boolean {
    const data =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.truncated) {
      this.droppedBytes += data.length;
      return false;
    }
    if (this.length + data.length <= this.#maxBytes) {
      this.#chunks.push(data);
      this.length += data.length;
      return true;
    }
    const keep = this.#maxBytes - this.#marker.length;
    const all = Buffer.concat([...this.#chunks, data]);
    this.droppedBytes += all.length - keep;
    this.#chunks = [all.subarray(0, keep), this.#marker];
    this.length = this.#maxBytes;
    this.truncated = true;
    return false;
  }

  toString(encoding: BufferEncoding = 'utf8'): string {
    return Buffer.concat(this.#chunks, this.length).toString(encoding);
  }

  release(): void {
    this.#chunks = [];
  }
}

export const unpooled: OutputSource = {
  output: ({ maxBytes, marker }) => new UnpooledOutput(maxBytes, marker),
};
