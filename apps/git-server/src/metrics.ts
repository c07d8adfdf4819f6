// What /metrics exposes: the git traffic (clones, fetches, pushes, bytes,
// durations), refusals (rate-limited ones included), and at scrape time the
// counters of the @perf parts (token cache, role cache, git process bulkhead,
// buffer pool, rate limiters). One registry
// per server, so several servers in one process never collide.
import type { BufferPool } from '@perf/buffer-pool';
import type { CacheStats } from '@perf/cache';
import type { CircuitBreaker } from '@perf/circuit-breaker';
import type { Verifier } from '@perf/jwt-cache';
import { Counter, collectDefaultMetrics, exponentialBuckets, Gauge, Histogram, Registry } from '@perf/metrics';

export interface Parts {
  readonly verifier: () => Verifier;
  readonly caches: Readonly<Record<string, { stats(): CacheStats }>>;
  readonly breakers: readonly CircuitBreaker[];
  readonly pool: BufferPool;
  /** The per-user rate limit, when USER_RATE_LIMIT is not 0. */
  readonly quota: { stats(): Readonly<Record<string, Readonly<Record<string, unknown>>>> } | undefined;
}

export type GitMetrics = ReturnType<typeof gitMetrics>;

export function gitMetrics(parts: Parts) {
  const registry = new Registry({ name: 'git-server' });
  const stopDefaults = collectDefaultMetrics({ registry });
  const bytes = new Counter({
    name: 'git_transfer_bytes_total',
    help: 'Bytes of git traffic by service and direction (in: request bodies after gunzip, out: responses).',
    labelNames: ['service', 'direction'] as const,
    registry,
  });
  const metrics = {
    registry,
    stop: stopDefaults,
    clones: new Counter({
      name: 'git_clones_total',
      help: 'upload-pack fetches that named no have (clones).',
      registry,
    }),
    fetches: new Counter({ name: 'git_fetches_total', help: 'upload-pack fetches that named haves.', registry }),
    pushes: new Counter({
      name: 'git_pushes_total',
      help: 'receive-pack requests by result (ok: git exited 0).',
      labelNames: ['result'] as const,
      registry,
    }),
    bytesIn: {
      'upload-pack': bytes.labels({ service: 'upload-pack', direction: 'in' }),
      'receive-pack': bytes.labels({ service: 'receive-pack', direction: 'in' }),
    },
    bytesOut: {
      'upload-pack': bytes.labels({ service: 'upload-pack', direction: 'out' }),
      'receive-pack': bytes.labels({ service: 'receive-pack', direction: 'out' }),
    },
    duration: new Histogram({
      name: 'git_rpc_duration_seconds',
      help: 'Duration of git requests, from the request to the last byte of the answer, by service and kind.',
      labelNames: ['service', 'kind'] as const,
      buckets: exponentialBuckets(0.005, 2, 14),
      registry,
    }),
    authFailures: new Counter({
      name: 'git_auth_failures_total',
      help: 'Requests whose credentials were refused, by reason (expired, revoked, bad_signature, ...).',
      labelNames: ['reason'] as const,
      registry,
    }),
    denied: new Counter({
      name: 'git_access_denied_total',
      help: 'Requests refused for their role: 401 (anonymous), 403 (read but not write), 404 (no read).',
      labelNames: ['status'] as const,
      registry,
    }),
    rejected: new Counter({
      name: 'git_requests_rejected_total',
      help: 'git requests turned away before git ran: bulkhead full, circuit open, body too large.',
      labelNames: ['reason'] as const,
      registry,
    }),
    rateLimited: new Counter({
      name: 'git_rate_limited_total',
      help: 'Requests refused with 429 by the per-user rate limit, by quota (requests, git-rpc), route (git, api) and caller (user, anonymous).',
      labelNames: ['quota', 'route', 'caller'] as const,
      registry,
    }),
  };

  new Gauge({
    name: 'git_processes',
    help: 'git processes running and requests queued for one (the bulkhead).',
    labelNames: ['state'] as const,
    registry,
    collect() {
      for (const b of parts.breakers) {
        if (b.name !== 'git') continue;
        const s = b.stats();
        this.set({ state: 'running' }, s.inFlight);
        this.set({ state: 'queued' }, s.queued);
      }
    },
  });
  new Gauge({
    name: 'git_server_breaker_open',
    help: '1 when a circuit breaker is open (git: git cannot be started; database: the database fails).',
    labelNames: ['breaker'] as const,
    registry,
    collect() {
      for (const b of parts.breakers) this.set({ breaker: b.name }, b.state.kind === 'closed' ? 0 : 1);
    },
  });
  new Gauge({
    name: 'git_server_cache',
    help: 'Counters of the caches (tokens, roles, stats) since start: hits, misses, loads, load errors, size.',
    labelNames: ['cache', 'stat'] as const,
    registry,
    collect() {
      const v = parts.verifier().stats();
      this.set({ cache: 'tokens', stat: 'hits' }, v.hits);
      this.set({ cache: 'tokens', stat: 'misses' }, v.misses);
      this.set({ cache: 'tokens', stat: 'size' }, v.size);
      this.set({ cache: 'tokens', stat: 'key_fetch_failures' }, v.keyFetchFailures);
      for (const [name, cache] of Object.entries(parts.caches)) {
        const s = cache.stats();
        this.set({ cache: name, stat: 'hits' }, s.hits);
        this.set({ cache: name, stat: 'misses' }, s.misses);
        this.set({ cache: name, stat: 'loads' }, s.loads);
        this.set({ cache: name, stat: 'load_errors' }, s.loadErrors);
        this.set({ cache: name, stat: 'stale_served' }, s.staleServed);
        this.set({ cache: name, stat: 'size' }, s.size);
      }
    },
  });
  new Gauge({
    name: 'git_server_buffer_pool',
    help: 'The buffer pool that captures git output: acquires, hits, misses and bytes retained.',
    labelNames: ['stat'] as const,
    registry,
    collect() {
      const s = parts.pool.stats();
      this.set({ stat: 'acquires' }, s.acquires);
      this.set({ stat: 'hits' }, s.hits);
      this.set({ stat: 'misses' }, s.misses);
      this.set({ stat: 'retained_bytes' }, s.retainedBytes);
    },
  });
  new Gauge({
    name: 'git_server_rate_limit',
    help: 'Counters of the per-user rate limiters since start: allowed, rejected; with Redis also failures, timeouts and the decisions made without it (insurance).',
    labelNames: ['quota', 'stat'] as const,
    registry,
    collect() {
      const quotas = parts.quota?.stats() ?? {};
      for (const [quota, stats] of Object.entries(quotas)) {
        for (const [stat, value] of Object.entries(stats)) {
          if (typeof value === 'number') this.set({ quota, stat: snakeCase(stat) }, value);
        }
      }
    },
  });
  return metrics;
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
