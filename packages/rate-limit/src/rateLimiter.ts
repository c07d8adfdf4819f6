// The in-process limiter: synchronous, O(1) per decision, no timer per key.
import type { Algorithm, AlgorithmName } from './algorithm.js';
import { evictChannel, rejectChannel } from './channels.js';
import type { Decision } from './decision.js';
import { InvalidArgumentError } from './errors.js';
import type { KeyState } from './keyState.js';
import { MemoryStore } from './memoryStore.js';
import { type RateLimiterOptions, resolveLimiterOptions } from './options.js';

/** Counters since the limiter was created, and the keys held now. */
export interface RateLimiterStats {
  /** The limiter's `name` option. */
  readonly name: string;
  /** Calls allowed. */
  readonly allowed: number;
  /** Calls refused by the quota. */
  readonly rejected: number;
  /** Keys held in memory now. */
  readonly size: number;
  /** Keys forgotten before they were idle because `maxKeys` was reached. */
  readonly evictions: number;
}

/** Throws unless `key` is a non-empty string and `cost` a number in (0, capacity]. */
export function checkCall(key: unknown, cost: unknown, capacity: number): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('key', 'a non-empty string', key);
  if (typeof cost !== 'number' || !(cost > 0 && cost <= capacity)) {
    throw new InvalidArgumentError(
      'cost',
      `a number > 0 and ≤ ${capacity} (the most one key can take at once: the burst, or the limit)`,
      cost,
    );
  }
}

/**
 * Limits calls per key in this process. `consume()` is synchronous: the
 * decision is arithmetic on one Map entry.
 */
export class RateLimiter {
  /** The `name` option. */
  readonly name: string;
  readonly algorithm: AlgorithmName;
  /** Units per window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Most units one key can take at once (burst for token-bucket/GCRA, else limit). */
  readonly capacity: number;
  readonly #algorithm: Algorithm;
  readonly #store: MemoryStore<KeyState>;
  readonly #now: () => number;
  #allowed = 0;
  #rejected = 0;
  #evictions = 0;

  constructor(options: RateLimiterOptions) {
    const o = resolveLimiterOptions(options);
    this.#algorithm = o.algorithm;
    this.name = o.name;
    this.algorithm = o.algorithm.name;
    this.limit = o.algorithm.limit;
    this.windowMs = o.algorithm.windowMs;
    this.capacity = o.algorithm.capacity;
    this.#now = o.now;
    this.#store = new MemoryStore(o.algorithm.idleMs, o.maxKeys, o.now(), (key) => {
      this.#evictions++;
      if (evictChannel.hasSubscribers) evictChannel.publish({ name: this.name, key });
    });
  }

  /**
   * Takes `cost` (default 1) from `key`'s quota if it allows it. A refused call
   * takes nothing. Throws `InvalidArgumentError` for an empty or non-string key
   * or a cost that is not a number in (0, capacity].
   */
  consume(key: string, cost = 1): Decision {
    checkCall(key, cost, this.capacity);
    const now = this.#now();
    let state = this.#store.get(key, now);
    if (state === undefined) {
      state = this.#algorithm.create(now);
      this.#store.add(key, state, now);
    }
    const decision = this.#algorithm.consume(state, now, cost, 'memory');
    if (decision.allowed) this.#allowed++;
    else {
      this.#rejected++;
      if (rejectChannel.hasSubscribers) rejectChannel.publish({ name: this.name, key, cost, decision });
    }
    return decision;
  }

  /** What `consume(key, cost)` would answer now, without taking anything or counting it. */
  peek(key: string, cost = 1): Decision {
    checkCall(key, cost, this.capacity);
    const now = this.#now();
    const state = this.#store.find(key) ?? this.#algorithm.create(now);
    return this.#algorithm.peek(state, now, cost, 'memory');
  }

  /** Forgets `key`: its next call starts with a full quota. Returns whether it was held. */
  reset(key: string): boolean {
    return this.#store.delete(key);
  }

  stats(): RateLimiterStats {
    return {
      name: this.name,
      allowed: this.#allowed,
      rejected: this.#rejected,
      size: this.#store.size,
      evictions: this.#evictions,
    };
  }
}
