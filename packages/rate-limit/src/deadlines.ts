// Bounds every Redis call by `timeoutMs` with one timer, not one per call:
// every call gets the same timeout, so deadlines arrive in the order calls
// start and a FIFO queue is already sorted. The timer is armed only while
// calls are pending (an idle limiter keeps no timer).

export interface Deadline {
  /** Set when the call settled (or timed out): the other outcome is then ignored. */
  settled: boolean;
  readonly at: number;
  readonly onTimeout: () => void;
}

export class Deadlines {
  #queue: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Starts the clock of one call; `onTimeout` runs if it has not settled within `timeoutMs`. */
  start(onTimeout: () => void): Deadline {
    const deadline: Deadline = { settled: false, at: performance.now() + this.#timeoutMs, onTimeout };
    // Settled calls at the head need no timer: skip them now (each once), so the queue holds
    // calls from the oldest unsettled one on, not every call of the last timeoutMs.
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && queue[head]!.settled) head++;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      head = 0;
    }
    this.#head = head;
    this.#queue.push(deadline);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    return deadline;
  }

  /** Calls held in the queue (for tests). */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(1, Math.ceil(delayMs)));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length) {
      const d = queue[head]!;
      if (!d.settled && d.at > now) break;
      head++;
      if (!d.settled) {
        d.settled = true;
        d.onTimeout();
      }
    }
    if (head === queue.length) {
      this.#queue = [];
      this.#head = 0;
      return;
    }
    if (head > 1024 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      head = 0;
    }
    this.#head = head;
    this.#arm(this.#queue[head]!.at - now);
  };

  /** Stops the timer (close()); pending calls are left to settle on their own. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
