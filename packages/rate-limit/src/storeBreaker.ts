// The breaker in front of Redis: after `failureThreshold` consecutive failures
// it opens for `openMs`, during which decisions go straight to the
// `onRedisDown` policy (a dead Redis adds no latency); then one trial call
// goes through (half-open) and its outcome closes or reopens it.
import { breakerChannel } from './channels.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export class StoreBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openUntil = 0;
  readonly #name: string;
  readonly #threshold: number;
  readonly #openMs: number;

  constructor(name: string, failureThreshold: number, openMs: number) {
    this.#name = name;
    this.#threshold = failureThreshold;
    this.#openMs = openMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** May this call go to Redis? In half-open exactly one call (the trial) is let through. */
  allow(now: number): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' && now >= this.#openUntil) {
      this.#move('half-open');
      return true;
    }
    return false;
  }

  /** Ms until the next trial call (0 when closed). */
  retryAfterMs(now: number): number {
    return this.#state === 'closed' ? 0 : Math.max(0, Math.ceil(this.#openUntil - now));
  }

  success(): void {
    this.#failures = 0;
    if (this.#state === 'half-open') this.#move('closed');
  }

  failure(now: number): void {
    this.#failures++;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
      this.#openUntil = now + this.#openMs;
      this.#move('open');
    }
  }

  #move(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    if (breakerChannel.hasSubscribers) breakerChannel.publish({ name: this.#name, from, to });
  }
}
