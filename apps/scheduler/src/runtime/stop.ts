// How a run, and the scheduler as a whole, learn that they must stop: at a
// run's max-runtime or at shutdown. It is cheap to make, because a thousand
// runs may start in one tick and Node's AbortController costs more than the
// rest of a run's start put together; the AbortSignal is made only when a
// runner asks for one (undici, the Docker client), and watching is O(1).

export interface StopSignal {
  readonly aborted: boolean;
  /** Why it stopped (an AttemptTimeout, a SchedulerStopping); undefined until then. */
  readonly reason: Error | undefined;
  /** Calls `onStop` once stopping begins (at once if it has); returns the function that stops watching. */
  watch(onStop: () => void): () => void;
  /** The same stop as an AbortSignal, for the APIs that take one; made on first use. */
  readonly signal: AbortSignal;
}

/** The side of a StopSignal that stops it. */
export class StopSource implements StopSignal {
  #reason: Error | undefined;
  #watchers: Set<() => void> | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  get reason(): Error | undefined {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  watch(onStop: () => void): () => void {
    if (this.#reason !== undefined) {
      onStop();
      return () => {};
    }
    this.#watchers ??= new Set();
    const watchers = this.#watchers;
    watchers.add(onStop);
    return () => watchers.delete(onStop);
  }

  stop(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const watchers = this.#watchers;
    this.#watchers = undefined;
    for (const w of watchers ?? []) w();
  }
}
