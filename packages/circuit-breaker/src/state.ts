import type { StrategySnapshot } from './strategy.js';

/** The name of each state the breaker can be in. */
export type StateKind = BreakerState['kind'];

/**
 * The breaker's state, a discriminated union on `kind`. Times are on the
 * breaker's clock (`now` option, `Date.now` by default).
 */
export type BreakerState =
  /** Calls pass and their outcomes feed the strategy. */
  | { readonly kind: 'closed'; readonly since: number }
  /** Calls are rejected until `retryAt`; `opens` counts consecutive openings (drives the backoff). */
  | { readonly kind: 'open'; readonly since: number; readonly retryAt: number; readonly opens: number }
  /** A bounded number of trial calls pass; enough successes close the circuit, a failure opens it again. */
  | { readonly kind: 'half-open'; readonly since: number; readonly opens: number }
  /** Manually isolated: every call is rejected until released. */
  | { readonly kind: 'forced-open'; readonly since: number }
  /** Manually disabled: every call passes and nothing is recorded. */
  | { readonly kind: 'forced-closed'; readonly since: number };

/** Everything needed to carry the breaker's state across a restart; plain JSON. */
export interface BreakerSnapshot {
  /** Format version; `restore` refuses others. */
  readonly version: 1;
  /** The state when the snapshot was taken. */
  readonly state: BreakerState;
  /** The strategy's counters. */
  readonly strategy: StrategySnapshot;
}

const STATE_KINDS: ReadonlySet<string> = new Set(['closed', 'open', 'half-open', 'forced-open', 'forced-closed']);

/** Whether `snapshot` has the shape `snapshot()` writes (it may come from a file or another process). */
export function isBreakerSnapshot(snapshot: unknown): snapshot is BreakerSnapshot {
  const s = (snapshot as { state?: Partial<Record<string, unknown>> } | undefined)?.state;
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const opensOk =
    s?.kind !== 'open' && s?.kind !== 'half-open' ? true : Number.isSafeInteger(s?.opens) && (s?.opens as number) >= 1;
  return (
    (snapshot as { version?: unknown } | undefined)?.version === 1 &&
    s !== undefined &&
    STATE_KINDS.has(String(s.kind)) &&
    finite(s.since) &&
    !(s.kind === 'open' && !finite(s.retryAt)) &&
    opensOk
  );
}
