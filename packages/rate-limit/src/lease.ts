// Local leases: units taken from Redis in one round trip and spent here, each
// no later than its deadline, so the fleet's overshoot stays within
// limit × ttlMs / windowMs (see the README for the derivation).
import type { Decision } from './decision.js';

/** A call waiting for the round trip that will (or will not) cover its cost. */
export interface LeaseWaiter {
  readonly cost: number;
  readonly resolve: (decision: Decision) => void;
}

export class Lease {
  /** Units held here, spendable until `expiresAt` (local clock). */
  tokens = 0;
  expiresAt = 0;
  /** Redis' `remaining` and reset time at the last grant, to report with lease decisions. */
  remaining = 0;
  resetAt = 0;
  /** The window the units were taken in (Redis time), to name it in a refund. */
  windowStart = '';
  /** Calls waiting for the round trip in flight; undefined when none is. */
  waiters: LeaseWaiter[] | undefined;

  /** Units spendable at `now`. */
  available(now: number): number {
    return now < this.expiresAt ? this.tokens : 0;
  }

  /** Adds units granted by a round trip sent at `sentAt`, spendable for `lifetimeMs` from then. */
  grant(units: number, sentAt: number, lifetimeMs: number, now: number): void {
    const deadline = sentAt + lifetimeMs;
    const held = this.available(now);
    // Units still held keep their own (earlier) deadline: the merged ones take the earlier of the two.
    this.expiresAt = held > 0 ? Math.min(this.expiresAt, deadline) : deadline;
    this.tokens = held + units;
  }
}
