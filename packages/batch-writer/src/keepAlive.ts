// The package's promise that an accepted write keeps the process alive until it
// is flushed. The writer's own timers (maxDelayMs, the retry backoff) are
// unref'd, so that a writer never holds the process open by itself; while it
// holds accepted items (queued, in flight, or waiting to retry), this one ref'd
// handle does. Without it, `await writer.write(item)` in a script with nothing
// else alive ends the process before the delay timer fires, and the item is lost.

/** Long enough never to fire in practice, below the 2³¹ − 1 ms Node accepts. */
const FOREVER_MS = 2 ** 30;

const noop = (): void => {};

export class KeepAlive {
  #handle: ReturnType<typeof setInterval> | undefined;

  /** Keeps the process alive until `release()`. Idempotent. */
  hold(): void {
    this.#handle ??= setInterval(noop, FOREVER_MS);
  }

  /** Lets the process exit again. Idempotent. */
  release(): void {
    if (this.#handle === undefined) return;
    clearInterval(this.#handle);
    this.#handle = undefined;
  }
}
