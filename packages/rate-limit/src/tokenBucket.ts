// Token bucket: `capacity` tokens (the burst), refilled continuously at
// limit / windowMs tokens per ms. State: a = tokens after the last update,
// b = time of the last update.
import type { Algorithm } from './algorithm.js';
import { ceilMs, type DecisionSource, floorUnits, RateLimitDecision } from './decision.js';
import { KeyState } from './keyState.js';

export class TokenBucket implements Algorithm {
  readonly name = 'token-bucket' as const;
  readonly limit: number;
  readonly windowMs: number;
  readonly capacity: number;
  readonly idleMs: number;
  /** Tokens per ms. */
  readonly #rate: number;
  /** Float noise forgiven when comparing tokens with a cost. */
  readonly #epsilon: number;

  constructor(limit: number, windowMs: number, burst: number) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.capacity = burst;
    this.#rate = limit / windowMs;
    this.#epsilon = burst * 1e-9;
    this.idleMs = Math.ceil(burst / this.#rate);
  }

  create(now: number): KeyState {
    return new KeyState(this.capacity, now, 0);
  }

  #tokens(state: KeyState, now: number): number {
    // A clock that stepped back refills nothing rather than draining.
    const elapsed = now > state.b ? now - state.b : 0;
    const tokens = state.a + elapsed * this.#rate;
    return Math.min(tokens, this.capacity);
  }

  consume(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    let tokens = this.#tokens(state, now);
    const allowed = tokens + this.#epsilon >= cost;
    if (allowed) tokens = tokens > cost ? tokens - cost : 0;
    state.a = tokens;
    if (now > state.b) state.b = now;
    return this.#decide(allowed, tokens, cost, source);
  }

  peek(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    const tokens = this.#tokens(state, now);
    return this.#decide(tokens + this.#epsilon >= cost, tokens, cost, source);
  }

  #decide(allowed: boolean, tokens: number, cost: number, source: DecisionSource): RateLimitDecision {
    const resetMs = ceilMs((this.capacity - tokens) / this.#rate);
    const retryAfterMs = allowed ? 0 : Math.max(1, ceilMs((cost - tokens) / this.#rate));
    return new RateLimitDecision(allowed, this.limit, floorUnits(tokens, this.capacity), resetMs, retryAfterMs, source);
  }
}
