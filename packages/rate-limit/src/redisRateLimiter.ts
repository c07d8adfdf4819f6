// The fleet-wide limiter: one Lua round trip per decision (or fewer, with
// leases), bounded by timeoutMs, behind a breaker, with a policy for when
// Redis cannot answer.
import { Redis } from 'ioredis';
import type { AlgorithmName } from './algorithm.js';
import { fallbackChannel, leaseChannel, rejectChannel, storeErrorChannel } from './channels.js';
import { Deadlines } from './deadlines.js';
import { type Decision, type DecisionSource, RateLimitDecision } from './decision.js';
import { RateLimiterClosedError, StoreTimeoutError } from './errors.js';
import { Lease } from './lease.js';
import { MemoryStore } from './memoryStore.js';
import {
  type RedisClientLike,
  type RedisRateLimiterOptions,
  type ResolvedRedisOptions,
  resolveRedisOptions,
} from './options.js';
import { checkCall, RateLimiter } from './rateLimiter.js';
import { RedisStore, type ScriptReply } from './redisStore.js';
import { type BreakerState, StoreBreaker } from './storeBreaker.js';

/** Counters since the limiter was created, and two gauges (`inFlight`, `breaker`). */
export interface RedisRateLimiterStats {
  /** The limiter's `name` option. */
  readonly name: string;
  /** Calls allowed, whoever decided. */
  readonly allowed: number;
  /** Calls refused, whoever decided (fail-closed refusals included). */
  readonly rejected: number;
  /** Redis calls that failed or timed out (each decision went to the `onRedisDown` policy). */
  readonly failures: number;
  /** Of `failures`, the calls that timed out. */
  readonly timeouts: number;
  /** Commands sent to Redis (EVALSHA, plus EVAL after a NOSCRIPT). */
  readonly roundTrips: number;
  /** Decisions answered from a local lease, without a round trip. */
  readonly leased: number;
  /** Decisions made while Redis could not answer, by policy. */
  readonly failOpen: number;
  readonly failClosed: number;
  readonly insurance: number;
  /** Decisions waiting for Redis now (each settles within `timeoutMs`). */
  readonly inFlight: number;
  /** The breaker in front of Redis. */
  readonly breaker: BreakerState;
}

/** Tolerance when comparing leased units with a cost (float noise). */
const EPSILON = 1e-9;

/**
 * Limits calls per key across every instance that shares a Redis. Time comes
 * from Redis, so instances with skewed clocks make the same decisions.
 */
export class RedisRateLimiter {
  readonly name: string;
  readonly algorithm: AlgorithmName;
  readonly limit: number;
  readonly windowMs: number;
  /** Most units one key can take at once (burst for token-bucket/GCRA, else limit). */
  readonly capacity: number;
  readonly #o: ResolvedRedisOptions;
  readonly #client: RedisClientLike;
  readonly #ownClient: Redis | undefined;
  readonly #store: RedisStore;
  readonly #breaker: StoreBreaker;
  readonly #deadlines: Deadlines;
  readonly #insurance: RateLimiter | undefined;
  readonly #leases: MemoryStore<Lease> | undefined;
  /** Resolves once our own client is first connected (or failed to): calls wait for it instead of failing at start. */
  #firstConnect: Promise<void> | undefined;
  #closed = false;
  #inFlight = 0;
  #drained: (() => void) | undefined;
  #allowed = 0;
  #rejected = 0;
  #failures = 0;
  #timeouts = 0;
  #leased = 0;
  #failOpen = 0;
  #failClosed = 0;
  #insured = 0;

  constructor(options: RedisRateLimiterOptions) {
    const o = resolveRedisOptions(options);
    this.#o = o;
    this.name = o.name;
    this.algorithm = o.algorithm.name;
    this.limit = o.algorithm.limit;
    this.windowMs = o.algorithm.windowMs;
    this.capacity = o.algorithm.capacity;
    if (typeof options.redis === 'string') {
      const client = new Redis(options.redis, {
        // No auto-pipelining: the store already sends the decisions of one tick as one call, and
        // ioredis' would add an event-loop turn to each. A disconnected client fails calls at once
        // (the policy decides) and never replays them late against the quota.
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(times * 50, 1000),
      });
      // Without a listener an 'error' event would crash the process; failures surface per call.
      client.on('error', () => {});
      this.#ownClient = client;
      this.#client = client;
      this.#firstConnect = new Promise<void>((resolve) => {
        const done = () => {
          client.off('ready', done);
          client.off('end', done);
          client.off('close', done);
          this.#firstConnect = undefined;
          resolve();
        };
        client.on('ready', done);
        client.on('end', done);
        client.on('close', done);
      });
    } else {
      this.#client = options.redis;
    }
    this.#store = new RedisStore(this.#client, o.prefix, o.algorithm);
    this.#breaker = new StoreBreaker(o.name, o.failureThreshold, o.openMs);
    this.#deadlines = new Deadlines(o.timeoutMs);
    if (o.onRedisDown === 'insurance') {
      const share = 1 / o.instances;
      const bucket = o.algorithm.name === 'token-bucket' || o.algorithm.name === 'gcra';
      this.#insurance = new RateLimiter({
        algorithm: o.algorithm.name,
        limit: o.algorithm.limit * share,
        windowMs: o.algorithm.windowMs,
        ...(bucket ? { burst: o.algorithm.capacity * share } : {}),
        name: o.name,
        now: o.now,
      });
    }
    if (o.lease) {
      this.#leases = new MemoryStore<Lease>(o.lease.ttlMs, Number.POSITIVE_INFINITY, o.now(), () => {});
    }
  }

  /**
   * Takes `cost` (default 1) from `key`'s quota if it allows it. Never rejects
   * because of Redis: when Redis cannot answer within `timeoutMs` the
   * `onRedisDown` policy decides. Rejects with `InvalidArgumentError` for an
   * empty or non-string key or a cost outside (0, capacity], and with
   * `RateLimiterClosedError` after `close()`.
   */
  consume(key: string, cost = 1): Promise<Decision> {
    try {
      checkCall(key, cost, this.capacity);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) return Promise.reject(new RateLimiterClosedError(this.name));
    if (this.#leases !== undefined) return this.#consumeLeased(this.#leases, key, cost);
    const now = this.#o.now();
    if (!this.#breaker.allow(now)) return Promise.resolve(this.#fallback(key, cost, now));
    return this.#call(key, cost, cost).then((reply) =>
      reply === undefined ? this.#fallback(key, cost, this.#o.now()) : this.#fromReply(key, cost, reply, 'redis'),
    );
  }

  /**
   * Resolves once Redis answers and holds this limiter's script (loaded if
   * it was not); rejects with Redis' error otherwise. For start-up and
   * readiness checks: `consume()` does not need it.
   */
  async ready(): Promise<void> {
    if (this.#closed) throw new RateLimiterClosedError(this.name);
    if (this.#firstConnect !== undefined) await this.#firstConnect;
    await this.#store.run('perf-rate-limit-ready', 1, 1, 'p');
  }

  stats(): RedisRateLimiterStats {
    return {
      name: this.name,
      allowed: this.#allowed,
      rejected: this.#rejected,
      failures: this.#failures,
      timeouts: this.#timeouts,
      roundTrips: this.#store.roundTrips,
      leased: this.#leased,
      failOpen: this.#failOpen,
      failClosed: this.#failClosed,
      insurance: this.#insured,
      inFlight: this.#inFlight,
      breaker: this.#breaker.state,
    };
  }

  /**
   * Stops deciding: waits for the decisions in flight (each settles within
   * `timeoutMs`, by Redis or by the policy), gives unspent leased units back
   * to Redis (best effort, bounded by `timeoutMs`), and closes the client if
   * the limiter created it.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    if (this.#leases !== undefined) await this.#refundLeases(this.#leases);
    this.#deadlines.stop();
    // Every decision is settled: nothing is left to wait for (QUIT would wait for a paused Redis).
    this.#ownClient?.disconnect();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One script call bounded by timeoutMs; `undefined` when it failed or timed out (counted, published, fed to the breaker). */
  #call(key: string, cost: number, want: number): Promise<ScriptReply | undefined> {
    return new Promise((resolve) => {
      // `inFlight` counts decisions waiting, not Redis calls: a paused Redis may never answer,
      // and close() must not wait for it longer than timeoutMs.
      this.#inFlight++;
      const deadline = this.#deadlines.start(() => {
        this.#settled();
        this.#failed(new StoreTimeoutError(this.#o.timeoutMs), true);
        resolve(undefined);
      });
      const run = () => this.#store.consume(key, cost, want);
      const sent = this.#firstConnect === undefined ? run() : this.#firstConnect.then(run);
      sent.then(
        (reply) => {
          if (deadline.settled) return this.#late(key, reply);
          deadline.settled = true;
          this.#settled();
          this.#breaker.success();
          resolve(reply);
        },
        (error: unknown) => {
          if (deadline.settled) return;
          deadline.settled = true;
          this.#settled();
          this.#failed(error, false);
          resolve(undefined);
        },
      );
    });
  }

  #settled(): void {
    if (--this.#inFlight === 0 && this.#drained !== undefined) {
      this.#drained();
      this.#drained = undefined;
    }
  }

  #failed(error: unknown, timedOut: boolean): void {
    this.#failures++;
    if (timedOut) this.#timeouts++;
    this.#breaker.failure(this.#o.now());
    if (storeErrorChannel.hasSubscribers) storeErrorChannel.publish({ name: this.name, error });
  }

  /** A reply that came after its call timed out (the policy decided): units it took become a lease, if leases are on. */
  #late(key: string, reply: ScriptReply): void {
    if (this.#leases === undefined || !reply.allowed || this.#closed) return;
    const now = this.#o.now();
    let lease = this.#leases.get(key, now);
    if (lease === undefined) {
      lease = new Lease();
      this.#leases.add(key, lease, now);
    }
    this.#grant(lease, reply, now - this.#o.timeoutMs, now);
  }

  #count(key: string, cost: number, decision: Decision): Decision {
    if (decision.allowed) this.#allowed++;
    else {
      this.#rejected++;
      if (rejectChannel.hasSubscribers) rejectChannel.publish({ name: this.name, key, cost, decision });
    }
    return decision;
  }

  #fromReply(key: string, cost: number, reply: ScriptReply, source: DecisionSource): Decision {
    return this.#count(
      key,
      cost,
      new RateLimitDecision(reply.allowed, this.limit, reply.remaining, reply.resetMs, reply.retryAfterMs, source),
    );
  }

  /** The `onRedisDown` policy's decision. */
  #fallback(key: string, cost: number, now: number): Decision {
    const policy = this.#o.onRedisDown;
    let decision: Decision;
    if (policy === 'fail-open') {
      this.#failOpen++;
      decision = new RateLimitDecision(true, this.limit, Math.floor(this.capacity - cost), 0, 0, 'fail-open');
    } else if (policy === 'fail-closed' || cost > this.#insurance!.capacity) {
      if (policy === 'fail-closed') this.#failClosed++;
      else this.#insured++;
      const retry = Math.max(1, this.#breaker.retryAfterMs(now) || Math.ceil(this.#o.timeoutMs));
      decision = new RateLimitDecision(false, this.limit, 0, 0, retry, policy);
    } else {
      this.#insured++;
      const d = this.#insurance!.consume(key, cost);
      decision = new RateLimitDecision(d.allowed, this.limit, d.remaining, d.resetMs, d.retryAfterMs, 'insurance');
    }
    if (fallbackChannel.hasSubscribers) {
      fallbackChannel.publish({ name: this.name, key, policy, allowed: decision.allowed });
    }
    return this.#count(key, cost, decision);
  }

  // ---- leases ----

  #consumeLeased(leases: MemoryStore<Lease>, key: string, cost: number): Promise<Decision> {
    const now = this.#o.now();
    let lease = leases.get(key, now);
    if (lease !== undefined) {
      if (lease.available(now) + EPSILON >= cost) {
        lease.tokens -= cost;
        this.#leased++;
        return Promise.resolve(this.#count(key, cost, this.#leaseDecision(lease, now)));
      }
      if (lease.waiters !== undefined) {
        const waiters = lease.waiters;
        return new Promise((resolve) => waiters.push({ cost, resolve }));
      }
    } else {
      lease = new Lease();
      leases.add(key, lease, now);
    }
    const started = lease;
    started.waiters = [];
    return new Promise((resolve) => {
      started.waiters!.push({ cost, resolve });
      // A microtask later, so the calls of this tick share the round trip.
      queueMicrotask(() => {
        this.#refill(key, started).catch((error: unknown) => {
          // Not expected (the policy decides every failure); never leave a caller hanging.
          const waiters = started.waiters ?? [];
          started.waiters = undefined;
          this.#failed(error, false);
          for (const w of waiters) w.resolve(this.#fallback(key, w.cost, this.#o.now()));
        });
      });
    });
  }

  #leaseDecision(lease: Lease, now: number): Decision {
    return new RateLimitDecision(
      true,
      this.limit,
      Math.floor(lease.remaining + lease.tokens + EPSILON),
      Math.max(0, Math.ceil(lease.resetAt - now)),
      0,
      'lease',
    );
  }

  /** Units granted by a reply sent at `sentAt` join the lease, spendable until the lease's ttl or the window's end. */
  #grant(lease: Lease, reply: ScriptReply, sentAt: number, now: number): void {
    const ttl = this.#o.lease!.ttlMs;
    const lifetime = reply.windowLeftMs >= 0 ? Math.min(ttl, reply.windowLeftMs) : ttl;
    lease.grant(reply.granted, sentAt, lifetime, now);
    lease.remaining = reply.remaining;
    lease.resetAt = sentAt + reply.resetMs;
    lease.windowStart = reply.windowStart;
  }

  /** One round trip for every waiter of `lease`: takes their demand (at least `lease.tokens` units) and serves them in order. */
  async #refill(key: string, lease: Lease): Promise<void> {
    const waiters = lease.waiters!;
    const now = this.#o.now();
    // Closed while these calls waited for an earlier round trip: the policy decides the rest.
    if (this.#closed || !this.#breaker.allow(now)) {
      lease.waiters = undefined;
      for (const w of waiters) w.resolve(this.#fallback(key, w.cost, now));
      return;
    }
    let demand = 0;
    for (const w of waiters) demand += w.cost;
    const want = Math.min(this.capacity, Math.max(this.#o.lease!.tokens, demand));
    const first = waiters[0]!;
    const sentAt = now;
    const reply = await this.#call(key, first.cost, want);
    const at = this.#o.now();
    // Calls that arrived during the round trip joined `waiters` too.
    lease.waiters = undefined;
    if (reply === undefined) {
      for (const w of waiters) w.resolve(this.#fallback(key, w.cost, at));
      return;
    }
    if (!reply.allowed) {
      for (const w of waiters) w.resolve(this.#fromReply(key, w.cost, reply, 'redis'));
      return;
    }
    if (leaseChannel.hasSubscribers) leaseChannel.publish({ name: this.name, key, granted: reply.granted });
    this.#grant(lease, reply, sentAt, at);
    // The first waiter's cost is inside the grant even if the lease already expired (a slow reply).
    lease.tokens = Math.max(0, lease.tokens - first.cost);
    first.resolve(this.#count(key, first.cost, this.#leaseDecisionFor(lease, at, 'redis')));
    const rest: typeof waiters = [];
    for (let i = 1; i < waiters.length; i++) {
      const w = waiters[i]!;
      if (lease.available(at) + EPSILON >= w.cost) {
        lease.tokens -= w.cost;
        this.#leased++;
        w.resolve(this.#count(key, w.cost, this.#leaseDecision(lease, at)));
      } else rest.push(w);
    }
    if (rest.length > 0) {
      lease.waiters = rest;
      await this.#refill(key, lease);
    }
  }

  #leaseDecisionFor(lease: Lease, now: number, source: DecisionSource): Decision {
    const d = this.#leaseDecision(lease, now);
    return new RateLimitDecision(d.allowed, d.limit, d.remaining, d.resetMs, d.retryAfterMs, source);
  }

  async #refundLeases(leases: MemoryStore<Lease>): Promise<void> {
    const now = this.#o.now();
    const refunds: Promise<unknown>[] = [];
    for (const [key, lease] of leases.entries()) {
      const units = lease.available(now);
      if (units <= 0) continue;
      lease.tokens = 0;
      refunds.push(this.#store.run(key, units, units, 'r', '', lease.windowStart).catch(() => undefined));
    }
    leases.clear();
    if (refunds.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#o.timeoutMs);
    });
    await Promise.race([Promise.all(refunds), timeout]);
    clearTimeout(timer);
  }
}
