import { InvalidOptionError } from './errors.js';
import { numberAtLeast } from './validate.js';

/** Exponential backoff of the open-state wait, for circuits that keep failing their trials. */
export interface BackoffOptions {
  /** Each consecutive opening waits this many times longer than the previous one. Default 2. */
  readonly multiplier?: number;
  /** Upper bound on the wait, in ms. Default 10 × `halfOpenAfterMs`. */
  readonly maxMs?: number;
  /** Spread each wait by ± this fraction (0–1) so many clients do not retry in step. Default 0. */
  readonly jitter?: number;
}

/** Computes how long the circuit stays open after its `opens`-th consecutive opening. */
export class OpenDuration {
  readonly #baseMs: number;
  readonly #multiplier: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  readonly #random: () => number;

  constructor(baseMs: number, backoff: BackoffOptions | undefined, random: () => number) {
    this.#baseMs = numberAtLeast('halfOpenAfterMs', baseMs, 0);
    this.#multiplier = numberAtLeast('backoff.multiplier', backoff?.multiplier ?? (backoff ? 2 : 1), 1);
    this.#maxMs = numberAtLeast('backoff.maxMs', backoff?.maxMs ?? baseMs * 10, baseMs);
    const jitter = backoff?.jitter ?? 0;
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
      throw new InvalidOptionError('backoff.jitter', 'a fraction in [0, 1]', jitter);
    }
    this.#jitter = jitter;
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
