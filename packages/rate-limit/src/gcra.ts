// GCRA, the generic cell rate algorithm: the same decisions as a token bucket
// with continuous refill, kept as one number per key. Each unit of cost moves
// the key's theoretical arrival time (TAT) one emission interval T = windowMs /
// limit later; a call is allowed while TAT stays within burst × T of now.
// State: a = TAT.
import type { Algorithm } from './algorithm.js';
import { ceilMs, type DecisionSource, floorUnits, RateLimitDecision } from './decision.js';
import { KeyState } from './keyState.js';

export class Gcra implements Algorithm {
  readonly name = 'gcra' as const;
  readonly limit: number;
  readonly windowMs: number;
  readonly capacity: number;
  readonly idleMs: number;
  /** Emission interval: ms per unit of cost. */
  readonly #interval: number;
  /** How far ahead of now the TAT may run: burst × T. */
  readonly #tolerance: number;
  readonly #epsilon: number;

  constructor(limit: number, windowMs: number, burst: number) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.capacity = burst;
    this.#interval = windowMs / limit;
    this.#tolerance = burst * this.#interval;
    this.#epsilon = this.#tolerance * 1e-9;
    this.idleMs = Math.ceil(this.#tolerance);
  }

  create(now: number): KeyState {
    return new KeyState(now, 0, 0);
  }

  consume(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    const tat = Math.max(state.a, now);
    const next = tat + cost * this.#interval;
    const allowed = next - now <= this.#tolerance + this.#epsilon;
    if (allowed) state.a = next;
    return this.#decide(allowed, allowed ? next : tat, next, now, source);
  }

  peek(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    const tat = Math.max(state.a, now);
    const next = tat + cost * this.#interval;
    return this.#decide(next - now <= this.#tolerance + this.#epsilon, tat, next, now, source);
  }

  #decide(allowed: boolean, tat: number, next: number, now: number, source: DecisionSource): RateLimitDecision {
    const ahead = tat - now;
    const retryAfterMs = allowed ? 0 : Math.max(1, ceilMs(next - this.#tolerance - now));
    return new RateLimitDecision(
      allowed,
      this.limit,
      floorUnits((this.#tolerance - ahead) / this.#interval, this.capacity),
      ceilMs(ahead),
      retryAfterMs,
      source,
    );
  }
}
