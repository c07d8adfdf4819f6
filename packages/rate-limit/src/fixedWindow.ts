// Fixed window: at most `limit` per window; a key's window opens at its first
// call (as rate-limiter-flexible's) and the count starts over when it ends.
// State: a = count in the window, b = window start.
import type { Algorithm } from './algorithm.js';
import { type DecisionSource, floorUnits, RateLimitDecision } from './decision.js';
import { KeyState } from './keyState.js';

export class FixedWindow implements Algorithm {
  readonly name = 'fixed-window' as const;
  readonly limit: number;
  readonly windowMs: number;
  readonly capacity: number;
  readonly idleMs: number;
  readonly #epsilon: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.capacity = limit;
    this.idleMs = windowMs;
    this.#epsilon = limit * 1e-9;
  }

  create(now: number): KeyState {
    return new KeyState(0, now, 0);
  }

  /** Starts a new window when the key's window has ended. */
  #roll(state: KeyState, now: number): void {
    if (now >= state.b + this.windowMs) {
      state.a = 0;
      state.b = now;
    }
  }

  consume(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    this.#roll(state, now);
    const allowed = state.a + cost <= this.limit + this.#epsilon;
    if (allowed) state.a += cost;
    return this.#decide(allowed, state.a, state.b, now, source);
  }

  peek(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    const expired = now >= state.b + this.windowMs;
    const count = expired ? 0 : state.a;
    return this.#decide(count + cost <= this.limit + this.#epsilon, count, expired ? now : state.b, now, source);
  }

  #decide(allowed: boolean, count: number, start: number, now: number, source: DecisionSource): RateLimitDecision {
    // A clock that stepped back keeps the current window: never more than windowMs to wait.
    const left = Math.min(this.windowMs, Math.max(0, Math.ceil(start + this.windowMs - now)));
    return new RateLimitDecision(
      allowed,
      this.limit,
      floorUnits(this.limit - count, this.capacity),
      count > 0 ? left : 0,
      allowed ? 0 : Math.max(1, left),
      source,
    );
  }
}
