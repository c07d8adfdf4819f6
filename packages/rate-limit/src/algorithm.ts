// The contract every algorithm implements: pure arithmetic on a KeyState and a
// clock reading, no I/O. The memory store runs these; the Redis store runs the
// same arithmetic in Lua (redisScript.ts), and a test checks that both agree.
import type { Decision, DecisionSource } from './decision.js';
import type { KeyState } from './keyState.js';

/** The algorithms a limiter can use. */
export type AlgorithmName = 'token-bucket' | 'gcra' | 'fixed-window' | 'sliding-window';

export interface Algorithm {
  readonly name: AlgorithmName;
  /** Requests (cost units) per window. */
  readonly limit: number;
  readonly windowMs: number;
  /** The most one key can take at once (the burst for token-bucket and GCRA, the limit otherwise). */
  readonly capacity: number;
  /** Untouched for this long, a key's state is the same as a new key's: the store may forget it. */
  readonly idleMs: number;
  /** The state of a key seen for the first time at `now`. */
  create(now: number): KeyState;
  /** Takes `cost` if the quota allows it (updating `state` in place) and says what happened. */
  consume(state: KeyState, now: number, cost: number, source: DecisionSource): Decision;
  /** What a `consume` of `cost` would answer, without taking anything. */
  peek(state: KeyState, now: number, cost: number, source: DecisionSource): Decision;
}
