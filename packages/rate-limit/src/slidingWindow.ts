// Sliding window counter (the approximation Cloudflare and NGINX use): the
// previous window's count weighted by how much of it still overlaps the
// sliding window, plus the current window's count. Windows sit on the grid of
// multiples of windowMs (so a key forgotten while idle comes back on the same
// grid and the forgetting changes no decision). State: a = count in the current window,
// b = current window start, c = count in the previous window.
import type { Algorithm } from './algorithm.js';
import { ceilMs, type DecisionSource, floorUnits, RateLimitDecision } from './decision.js';
import { KeyState } from './keyState.js';

export class SlidingWindow implements Algorithm {
  readonly name = 'sliding-window' as const;
  readonly limit: number;
  readonly windowMs: number;
  readonly capacity: number;
  readonly idleMs: number;
  readonly #epsilon: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.capacity = limit;
    this.idleMs = 2 * windowMs;
    this.#epsilon = limit * 1e-9;
  }

  create(now: number): KeyState {
    return new KeyState(0, Math.floor(now / this.windowMs) * this.windowMs, 0);
  }

  /** Moves the window forward on its grid when `now` has left it. */
  #roll(state: KeyState, now: number): void {
    const w = this.windowMs;
    if (now < state.b + w) return;
    const steps = Math.floor((now - state.b) / w);
    state.c = steps === 1 ? state.a : 0;
    state.a = 0;
    state.b += steps * w;
  }

  #estimate(state: KeyState, now: number): number {
    const into = now > state.b ? now - state.b : 0;
    return (state.c * (this.windowMs - into)) / this.windowMs + state.a;
  }

  consume(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    this.#roll(state, now);
    let estimate = this.#estimate(state, now);
    const allowed = estimate + cost <= this.limit + this.#epsilon;
    if (allowed) {
      state.a += cost;
      estimate += cost;
    }
    return this.#decide(allowed, state.a, state.b, state.c, estimate, cost, now, source);
  }

  peek(state: KeyState, now: number, cost: number, source: DecisionSource): RateLimitDecision {
    const probe = new KeyState(state.a, state.b, state.c);
    this.#roll(probe, now);
    const estimate = this.#estimate(probe, now);
    return this.#decide(
      estimate + cost <= this.limit + this.#epsilon,
      probe.a,
      probe.b,
      probe.c,
      estimate,
      cost,
      now,
      source,
    );
  }

  #decide(
    allowed: boolean,
    current: number,
    start: number,
    previous: number,
    estimate: number,
    cost: number,
    now: number,
    source: DecisionSource,
  ): RateLimitDecision {
    const w = this.windowMs;
    const resetMs = current > 0 ? ceilMs(start + 2 * w - now) : previous > 0 ? ceilMs(start + w - now) : 0;
    let retryAfterMs = 0;
    if (!allowed) {
      // When does previous × overlap + current + cost fit under the limit?
      const at =
        current + cost <= this.limit
          ? start + w - (w * (this.limit - current - cost)) / previous
          : start + 2 * w - (w * (this.limit - cost)) / current;
      retryAfterMs = Math.max(1, ceilMs(at - now));
    }
    return new RateLimitDecision(
      allowed,
      this.limit,
      floorUnits(this.limit - estimate, this.capacity),
      Math.min(resetMs, 2 * w),
      retryAfterMs,
      source,
    );
  }
}
