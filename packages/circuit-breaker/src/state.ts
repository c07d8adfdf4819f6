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
