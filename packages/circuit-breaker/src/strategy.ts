/** What a strategy hands to `snapshot()` and takes back in `restore()`: plain JSON. */
export interface StrategySnapshot {
  /** Which strategy wrote it; `restore` refuses another kind. */
  readonly type: string;
  /** The strategy's counters. */
  readonly data: readonly number[];
}

/**
 * Decides, from the outcomes of calls made while the circuit is closed, when
 * it must open. Implementations are small interchangeable classes; the
 * breaker calls `record` once per settled call, so it must be O(1) and must
 * not allocate.
 */
export interface BreakerStrategy {
  /** Calls at least this long (ms) count as slow; `Infinity` when the strategy ignores durations (then the breaker never times calls). */
  readonly slowCallDurationMs: number;
  /** Whether `record` reads its `now` argument (otherwise the breaker passes 0 and skips the clock). */
  readonly needsTime: boolean;
  /** Records one call; returns true when the circuit should open. */
  record(failed: boolean, slow: boolean, now: number): boolean;
  /** Forgets every recorded call (the circuit closed again). */
  reset(): void;
  /** The counters as plain JSON, for carrying state across restarts. */
  snapshot(): StrategySnapshot;
  /** Loads counters from `snapshot()`; throws `InvalidOptionError` if they do not fit this strategy. */
  restore(snapshot: StrategySnapshot): void;
}
