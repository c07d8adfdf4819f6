// The durable spool: an append-only log of accepted items in segment files.
// An item is appended (one line) before add()/write() return, so whatever was
// acknowledged is in the file; a segment is truncated (the active one) or
// deleted (an older one) once every item in it has been written or
// dead-lettered; on start, what is left is replayed. Delivery is therefore
// at-least-once: an item written just before a crash is replayed too, which is
// why the sinks take an idempotency key.
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { SpoolError } from './errors.js';
import type { ResolvedSpoolOptions } from './options.js';

/** One segment file and how many of its items are not yet settled. */
export interface Segment {
  readonly path: string;
  outstanding: number;
}

const SEGMENT = /^(\d{12})\.log$/;

export class Spool<T> {
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #segmentBytes: number;
  readonly #serialize: (item: T) => string;
  readonly #deserialize: (line: string) => T;
  #fd = -1;
  #active: Segment | undefined;
  #activeBytes = 0;
  #nextNumber = 1;

  constructor(options: ResolvedSpoolOptions<T>) {
    this.#dir = options.dir;
    this.#fsync = options.fsync;
    this.#segmentBytes = options.segmentBytes;
    this.#serialize = options.serialize;
    this.#deserialize = options.deserialize;
  }

  /** Reads what a previous run left (items not settled), then opens a fresh segment for appends. */
  open(): Array<{ item: T; segment: Segment }> {
    const replay: Array<{ item: T; segment: Segment }> = [];
    try {
      mkdirSync(this.#dir, { recursive: true });
      const names = readdirSync(this.#dir)
        .filter((n) => SEGMENT.test(n))
        .sort();
      for (const name of names) {
        this.#nextNumber = Math.max(this.#nextNumber, Number(SEGMENT.exec(name)![1]) + 1);
        const path = join(this.#dir, name);
        const text = readFileSync(path, 'utf8');
        const segment: Segment = { path, outstanding: 0 };
        // The last line lacks its newline only if an append was torn by a
        // power loss: that item was never acknowledged, so it is skipped.
        const end = text.lastIndexOf('\n');
        for (const line of text.slice(0, end + 1).split('\n')) {
          if (line === '') continue;
          replay.push({ item: this.#deserialize(line), segment });
          segment.outstanding++;
        }
        if (segment.outstanding === 0) unlinkSync(path);
      }
    } catch (error) {
      throw new SpoolError(`could not replay the spool in ${this.#dir}`, error);
    }
    this.#rotate();
    return replay;
  }

  /** Appends one item; returns its segment, to settle later. Throws `SpoolError` if it could not. */
  append(item: T): Segment {
    if (this.#active === undefined) throw new SpoolError('the spool is closed');
    const text = this.#serialize(item);
    // One line per item, or the replay would split it (a newline) or fail on it (JSON.stringify(undefined)):
    // refused here, before it is acknowledged, rather than breaking every later start.
    if (typeof text !== 'string' || text.includes('\n')) {
      throw new SpoolError(
        `could not spool an item: serialize must return one line of text, got ${typeof text === 'string' ? 'a line break' : String(text)}`,
      );
    }
    const line = `${text}\n`;
    // Rotate before writing, not after: if no new segment can be created, this item is refused and the
    // spool is unchanged (rotating after the write would fail an item already on disk, and break the fd).
    const segment = this.#activeBytes >= this.#segmentBytes ? this.#rotate() : this.#active;
    try {
      const bytes = writeSync(this.#fd, line);
      if (this.#fsync) fsyncSync(this.#fd);
      this.#activeBytes += bytes;
    } catch (error) {
      throw new SpoolError(`could not append to the spool in ${this.#dir}`, error);
    }
    segment.outstanding++;
    return segment;
  }

  /** One item of `segment` was written or dead-lettered. */
  settle(segment: Segment): void {
    segment.outstanding--;
    if (segment.outstanding > 0) return;
    if (segment === this.#active) {
      // Everything appended so far is settled: empty the file in place.
      try {
        ftruncateSync(this.#fd, 0);
        this.#activeBytes = 0;
      } catch (error) {
        warnTrim(segment.path, error);
      }
    } else {
      removeSegment(segment.path);
    }
  }

  /** Closes the active segment; its unsettled items stay on disk for the next start. */
  close(): void {
    if (this.#active === undefined) return;
    closeSync(this.#fd);
    if (this.#active.outstanding === 0) removeSegment(this.#active.path);
    this.#active = undefined;
  }

  /** Opens the next segment, then closes the previous one: if opening fails, nothing changes. */
  #rotate(): Segment {
    const path = join(this.#dir, `${String(this.#nextNumber).padStart(12, '0')}.log`);
    let fd: number;
    try {
      fd = openSync(path, 'a');
    } catch (error) {
      throw new SpoolError(`could not create a spool segment in ${this.#dir}`, error);
    }
    this.#nextNumber++;
    const previous = this.#active;
    if (previous !== undefined) {
      closeSync(this.#fd);
      if (previous.outstanding === 0) removeSegment(previous.path);
    }
    this.#fd = fd;
    this.#active = { path, outstanding: 0 };
    this.#activeBytes = 0;
    return this.#active;
  }
}

// Trimming the spool happens after items were written: a failure there must not
// fail those items (their promises, flush() and close() would never settle). The
// items stay on disk and are replayed at the next start: at-least-once, as always.
function removeSegment(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warnTrim(path, error);
  }
}

function warnTrim(path: string, error: unknown): void {
  process.emitWarning(
    `@perf/batch-writer: could not trim the spool segment ${path} (${error instanceof Error ? error.message : String(error)}); its written items will be replayed at the next start`,
    { code: 'PERF_BATCH_WRITER_SPOOL' },
  );
}
