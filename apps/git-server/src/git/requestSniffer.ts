// Reads the pkt-lines of an upload-pack request as they stream to git, only
// to label it for the metrics: a v2 `ls-refs`, a fetch that names no `have`
// (a clone) or a fetch that does. It keeps the first bytes of each line and
// skips the rest, so it costs nothing per byte of a large request.

export type UploadKind = 'ls-refs' | 'clone' | 'fetch' | 'other';

const PREFIX = 16;

export class RequestSniffer {
  #header = '';
  #remaining = 0; // payload bytes of the current line still to come
  #line = '';
  #command: string | undefined;
  #haves = false;
  #wants = false;

  write(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(4 - this.#header.length, chunk.length - i);
        this.#header += chunk.toString('latin1', i, i + take);
        i += take;
        if (this.#header.length < 4) return;
        const length = Number.parseInt(this.#header, 16);
        this.#header = '';
        // 0000 flush, 0001 delim, 0002 response-end; a bad length stops the sniffing (git will refuse it).
        if (Number.isNaN(length)) {
          this.#remaining = Number.POSITIVE_INFINITY;
          return;
        }
        this.#remaining = length > 4 ? length - 4 : 0;
        this.#line = '';
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - i);
      if (this.#line.length < PREFIX) {
        this.#line += chunk.toString('latin1', i, i + Math.min(take, PREFIX - this.#line.length));
      }
      i += take;
      this.#remaining -= take;
      if (this.#remaining === 0) this.#see(this.#line);
    }
  }

  #see(line: string): void {
    if (line.startsWith('command=')) this.#command ??= line.slice(8).trim();
    else if (line.startsWith('have ')) this.#haves = true;
    else if (line.startsWith('want ')) this.#wants = true;
  }

  get kind(): UploadKind {
    if (this.#command === 'ls-refs') return 'ls-refs';
    if (this.#command !== undefined && this.#command !== 'fetch') return 'other';
    if (!this.#wants) return 'other';
    return this.#haves ? 'fetch' : 'clone';
  }
}
