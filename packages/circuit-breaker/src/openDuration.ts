import type { BackoffOptions } from './options.js';

/** Computes how long the circuit stays open after its `opens`-th consecutive opening. */
export class OpenDuration {
  readonly #baseMs: number;
  readonly #multiplier: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  /** @param backoff already checked by `resolveOptions` (a multiplier of 1 when there is no backoff). */
  constructor(baseMs: number, backoff: Required<BackoffOptions>, random: () => number) {
    this.#baseMs = baseMs;
    this.#multiplier = backoff.multiplier;
    this.#maxMs = backoff.maxMs;
    this.#jitter = backoff.jitter;
    this.#random = random;
  }

  /** The longest wait `ms()` can return (the cap, stretched by the jitter). */
  get longestMs(): number {
    return this.#maxMs * (1 + this.#jitter);
  }

  ms(opens: number): number {
    const wait = Math.min(this.#maxMs, this.#baseMs * this.#multiplier ** Math.max(0, opens - 1));
    if (this.#jitter === 0) return wait;
    return Math.max(0, wait * (1 + this.#jitter * (2 * this.#random() - 1)));
  }
}
