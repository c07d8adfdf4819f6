/** Resolved retry schedule. */
export interface Backoff {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with
 * "equal jitter" (half fixed, half random) so that writers that failed together
 * do not all retry together, yet never retry at once.
 */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number): number {
  const exponential = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
  return exponential / 2 + random() * (exponential / 2);
}
