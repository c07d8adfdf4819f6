// Invalidations the second level did not take (down, or slower than its
// timeout), kept in order and sent again once it is back: otherwise another
// instance would keep serving a value deleted here until its TTL. Bounded:
// past the bound the queue collapses into one "clear all", which covers every
// key it named, at the price of a fleet-wide flush.
import type { InvalidationMessage, SecondLevel } from './secondLevel.js';

/** One queued invalidation. */
export interface QueuedInvalidation {
  readonly message: InvalidationMessage;
  /** The second level's copy still has to be dropped (not only the other instances told). */
  apply: boolean;
}

/** Sends one queued invalidation; resolves false when the second level did not take it (never rejects). */
export type SendInvalidation = (item: QueuedInvalidation) => Promise<boolean>;

export interface OutboxOptions {
  /** Most invalidations kept; one more collapses them all into a single "clear all". */
  readonly limit: number;
  /** After a failed attempt, the next one is made this many ms later (or at once on reconnect). */
  readonly retryMs: number;
  readonly send: SendInvalidation;
}

const DONE: Promise<void> = Promise.resolve();

export class InvalidationOutbox {
  readonly #limit: number;
  readonly #retryMs: number;
  readonly #send: SendInvalidation;
  /** FIFO: the live items are #items[#first..]; an index instead of shift() keeps removal O(1). */
  #items: (QueuedInvalidation | undefined)[] = [];
  #first = 0;
  /** The item being sent now: never merged into, since part of it may already be applied. */
  #sending: QueuedInvalidation | undefined;
  #running: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  /** Times the bound was reached and the queue became one "clear all". */
  collapses = 0;

  constructor(options: OutboxOptions) {
    this.#limit = options.limit;
    this.#retryMs = options.retryMs;
    this.#send = options.send;
  }

  /** Invalidations waiting to be sent. */
  get size(): number {
    return this.#items.length - this.#first;
  }

  /** Queues `message` behind the others. */
  push(message: InvalidationMessage, apply: boolean): void {
    const last = this.size > 0 ? this.#items[this.#items.length - 1]! : undefined;
    if (message.clear) {
      // A "clear all" sent later than every queued item covers all of them.
      this.#replaceAll(message, apply);
    } else if (last?.message.clear && last !== this.#sending) {
      last.apply ||= apply;
    } else if (this.size >= this.#limit) {
      this.collapses++;
      this.#replaceAll({ origin: message.origin, clear: true }, apply);
    } else {
      this.#items.push({ message, apply });
    }
  }

  /** Queues `message` after an attempt to send it failed: the next attempt comes on reconnect or after retryMs. */
  defer(message: InvalidationMessage, apply: boolean): void {
    this.push(message, apply);
    this.#retryLater();
  }

  /**
   * Sends the queue in order until one fails (that one and the rest stay, and
   * are tried again later); resolves when this pass ends. One pass at a time:
   * a call during a pass joins it, and the pass also sends what is queued meanwhile.
   */
  flush(): Promise<void> {
    if (this.#running === undefined && this.size > 0) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
      this.#running = this.#pass();
    }
    return this.#running ?? DONE;
  }

  /** Stops retrying on a timer (what is queued stays, for a last flush()). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #pass(): Promise<void> {
    await undefined; // flush() stores this pass before the loop can end
    try {
      while (this.size > 0) {
        const head = this.#items[this.#first]!;
        this.#sending = head;
        const sent = await this.#send(head);
        this.#sending = undefined;
        if (!sent) {
          this.#retryLater();
          return;
        }
        // Unless a "clear all" replaced the queue (head included) while head was being sent.
        if (this.#items[this.#first] === head) this.#dropFirst();
      }
    } finally {
      // Synchronous with the last size check: a push after this starts a new pass.
      this.#sending = undefined;
      this.#running = undefined;
    }
  }

  #replaceAll(message: InvalidationMessage, apply: boolean): void {
    let anyApply = apply;
    for (let i = this.#first; i < this.#items.length; i++) anyApply ||= this.#items[i]!.apply;
    this.#items = [{ message, apply: anyApply }];
    this.#first = 0;
  }

  #dropFirst(): void {
    this.#items[this.#first++] = undefined;
    if (this.#first === this.#items.length) {
      this.#items = [];
      this.#first = 0;
    }
  }

  #retryLater(): void {
    if (this.#closed || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.flush();
    }, this.#retryMs);
    this.#retry.unref();
  }
}

/** The second-level call an invalidation stands for, named as in `perf:cache:l2-error`. */
export function invalidationOp(message: InvalidationMessage): 'clear' | 'invalidateTag' | 'delete' {
  return message.clear ? 'clear' : message.tag !== undefined ? 'invalidateTag' : 'delete';
}

/** Drops what `message` names in the second level. */
export function applyInvalidation(l2: SecondLevel, message: InvalidationMessage): Promise<void> {
  if (message.clear) return l2.clear();
  if (message.tag !== undefined) return l2.invalidateTag(message.tag);
  return l2.delete(message.keys ?? []);
}
