// How instances agree on who runs what. Each job has one lock record:
// - `tick`: the last tick claimed. A claim for a tick at or before it loses,
//   so each tick is claimed once across the fleet, whatever the clocks'
//   skew or how late an instance wakes (a late instance only loses).
// - `fence`: a fencing token, incremented by every winning claim. The run
//   carries it; renewing or releasing the lease with an older token does
//   nothing, and the history row records it.
// - `lease`: until when a run of a job that must not overlap holds the job
//   (a lock with expiry: renewed while the run lasts, released at its end,
//   and free again on its own if the instance dies).
// - `paused`: set by pause, checked by every claim, so a pause holds fleet-wide.

export type Claim =
  | { readonly outcome: 'won'; readonly fence: number }
  /** Another instance claimed this tick (or a later one). */
  | { readonly outcome: 'lost' }
  /** The job is paused. */
  | { readonly outcome: 'paused' }
  /** The tick is this caller's, but a run holds the job's lease (held by `holder`). */
  | { readonly outcome: 'busy'; readonly holder: string };

export interface ClaimRequest {
  /** The tick to claim; undefined for a run-now (no tick, pause ignored). */
  readonly tick: number | undefined;
  /** Take the job's lease too (overlap skip or queue): busy when someone holds it. */
  readonly exclusive: boolean;
  readonly leaseMs: number;
}

/** One job's due tick, claimed with the others due at the same time. */
export interface TickClaim extends ClaimRequest {
  readonly job: string;
  readonly tick: number;
}

export interface Coordinator {
  /** `local` (one instance), `redis` or `postgres`. */
  readonly kind: 'local' | 'redis' | 'postgres';
  /** This instance's name, recorded as the lease holder. */
  readonly instance: string;
  claim(job: string, request: ClaimRequest): Promise<Claim>;
  /**
   * Claims the ticks due at once (a thousand jobs on `@every 1s` are due in
   * the same millisecond) in one round trip: one Lua script call, one SQL
   * statement and so one commit, instead of one per job. The claims come back
   * in the order of the requests; it throws when the coordinator does not answer.
   */
  claimTicks(requests: readonly TickClaim[]): Promise<Claim[]>;
  /** Extends the lease of the run holding `fence`; false when that run no longer holds it. */
  renewLease(job: string, fence: number, leaseMs: number): Promise<boolean>;
  /** Frees the lease if the run holding `fence` still holds it. */
  releaseLease(job: string, fence: number): Promise<void>;
  setPaused(job: string, paused: boolean): Promise<void>;
  pausedJobs(): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

/** One instance, in memory: the same rules, for tests and the embedded default. */
export class LocalCoordinator implements Coordinator {
  readonly kind = 'local' as const;
  readonly #records = new Map<string, { tick: number; fence: number; lease: number; holder: string }>();
  readonly #paused = new Set<string>();
  readonly #now: () => number;
  readonly #persistPaused: ((job: string, paused: boolean) => Promise<void>) | undefined;

  constructor(
    readonly instance: string,
    options: {
      now?: () => number;
      /** Paused jobs at start (from the database). */
      paused?: Iterable<string>;
      /** Called on every pause and resume, to keep them across restarts. */
      persistPaused?: (job: string, paused: boolean) => Promise<void>;
    } = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#persistPaused = options.persistPaused;
    for (const job of options.paused ?? []) this.#paused.add(job);
  }

  async claim(job: string, request: ClaimRequest): Promise<Claim> {
    return this.#claim(job, request);
  }

  async claimTicks(requests: readonly TickClaim[]): Promise<Claim[]> {
    return requests.map((r) => this.#claim(r.job, r));
  }

  #claim(job: string, { tick, exclusive, leaseMs }: ClaimRequest): Claim {
    let r = this.#records.get(job);
    if (r === undefined) {
      r = { tick: Number.NEGATIVE_INFINITY, fence: 0, lease: 0, holder: '' };
      this.#records.set(job, r);
    }
    const now = this.#now();
    if (tick !== undefined) {
      if (this.#paused.has(job)) return { outcome: 'paused' };
      if (tick <= r.tick) return { outcome: 'lost' };
      r.tick = tick;
    }
    if (exclusive && r.lease > now) return { outcome: 'busy', holder: r.holder };
    r.fence++;
    if (exclusive) {
      r.lease = now + leaseMs;
      r.holder = this.instance;
    }
    return { outcome: 'won', fence: r.fence };
  }

  async renewLease(job: string, fence: number, leaseMs: number): Promise<boolean> {
    const r = this.#records.get(job);
    if (r === undefined || r.fence !== fence) return false;
    r.lease = this.#now() + leaseMs;
    return true;
  }

  async releaseLease(job: string, fence: number): Promise<void> {
    const r = this.#records.get(job);
    if (r !== undefined && r.fence === fence) r.lease = 0;
  }

  async setPaused(job: string, paused: boolean): Promise<void> {
    await this.#persistPaused?.(job, paused);
    if (paused) this.#paused.add(job);
    else this.#paused.delete(job);
  }

  async pausedJobs(): Promise<ReadonlySet<string>> {
    return new Set(this.#paused);
  }

  async close(): Promise<void> {}
}
