// What every consume() answers. One class so every decision has one shape
// (V8 keeps the call sites that read it monomorphic).

/**
 * Who made a decision: the in-process limiter (`memory`), the Lua script on
 * Redis (`redis`), tokens leased from Redis earlier (`lease`), or a policy
 * while Redis was unreachable (`insurance`, `fail-open`, `fail-closed`).
 */
export type DecisionSource = 'memory' | 'redis' | 'lease' | 'insurance' | 'fail-open' | 'fail-closed';

/** The answer to one `consume()`. */
export interface Decision {
  /** Whether the call may go ahead. When `false` nothing was taken from the quota. */
  readonly allowed: boolean;
  /** The quota: requests (cost units) per window, as configured. */
  readonly limit: number;
  /** Whole cost units left right after this decision. */
  readonly remaining: number;
  /** Milliseconds until the quota is full again if nothing more is taken. */
  readonly resetMs: number;
  /** Milliseconds until the same cost would be allowed; 0 when allowed. */
  readonly retryAfterMs: number;
  /** Who decided; see `DecisionSource`. */
  readonly source: DecisionSource;
}

export class RateLimitDecision implements Decision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetMs: number;
  readonly retryAfterMs: number;
  readonly source: DecisionSource;

  constructor(
    allowed: boolean,
    limit: number,
    remaining: number,
    resetMs: number,
    retryAfterMs: number,
    source: DecisionSource,
  ) {
    this.allowed = allowed;
    this.limit = limit;
    this.remaining = remaining;
    this.resetMs = resetMs;
    this.retryAfterMs = retryAfterMs;
    this.source = source;
  }
}

/**
 * Milliseconds rounded up, with float noise below a microsecond treated as
 * zero so an exactly-full bucket does not report "1 ms to reset".
 */
export function ceilMs(ms: number): number {
  return ms <= 1e-3 ? 0 : Math.ceil(ms - 1e-3);
}

/** Whole units left, with float noise (a billionth of the capacity) forgiven. */
export function floorUnits(units: number, capacity: number): number {
  const n = Math.floor(units + capacity * 1e-9);
  return Math.max(n, 0);
}
