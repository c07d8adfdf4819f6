/** A call waiting in the queue for a free slot. */
interface Waiter {
  resume(): void;
  abandon(error: unknown): void;
}

/**
 * Bounds the calls running at once (`maxConcurrent`) and the calls waiting for a
 * slot (`maxQueue`, FIFO). The breaker refuses a call when `queueFull`; a slot is
 * handed from a finishing call straight to the next queued one.
 */
export class Bulkhead {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  #drained: (() => void) | undefined;
  #draining: Promise<void> | undefined;

  constructor(maxConcurrent: number, maxQueue: number) {
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
  }

  /** Calls holding a slot now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** The queue holds `maxQueue` calls: a call that found no free slot must be refused. */
  get queueFull(): boolean {
    return this.#queue.length >= this.maxQueue;
  }

  /** Takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.maxConcurrent) return false;
    this.#inFlight++;
    return true;
  }

  /**
   * Waits in the queue for a slot (check `queueFull` first). Aborting `signal`
   * leaves the queue and rejects with its reason; `close()` rejects with its error.
   */
  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resume: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        abandon: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Frees a slot; hands it to the next queued call (the slot stays counted) and finishes `close()`. */
  release(): void {
    this.#inFlight--;
    while (this.#queue.length !== 0 && this.#inFlight < this.maxConcurrent) {
      this.#inFlight++;
      (this.#queue.shift() as Waiter).resume();
    }
    if (this.#inFlight === 0 && this.#drained !== undefined) this.#drained();
  }

  /** Hands every queued call back with `error`; resolves once the running calls have released their slots. */
  close(error: unknown): Promise<void> {
    for (const waiter of this.#queue.splice(0)) waiter.abandon(error);
    if (this.#inFlight === 0) return Promise.resolve();
    this.#draining ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    return this.#draining;
  }
}
