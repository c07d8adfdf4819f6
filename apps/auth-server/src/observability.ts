// What /metrics shows: token requests by outcome and their latency, tokens
// by client, and the state of the parts the server is built from (client
// cache, database breaker, token-record writer), read from their stats() at
// scrape time so the hot path pays nothing for them.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from '@perf/metrics';

export interface Sources {
  readonly clientCache: () => { hits: number; misses: number; staleServed: number; size?: number };
  readonly breakerOpen: () => boolean;
  readonly writer: () => { queued: number; inFlight: number; flushed: number; deadLettered: number; retries: number };
}

export class AuthMetrics {
  readonly registry = new Registry({ name: 'auth-server' });
  readonly requests = new Counter({
    name: 'auth_token_requests_total',
    help: 'Token requests by outcome: issued, or the OAuth error code answered.',
    labelNames: ['outcome'] as const,
    registry: this.registry,
    maxSeries: 32,
  });
  readonly duration = new Histogram({
    name: 'auth_token_request_duration_seconds',
    help: 'Time from the start of a token request to its answer.',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registry: this.registry,
  });
  readonly issued = new Counter({
    name: 'auth_tokens_issued_total',
    help: 'Access tokens issued, by client.',
    labelNames: ['client_id'] as const,
    registry: this.registry,
    maxSeries: 5_000,
  });
  readonly #stopDefaults: () => void;

  constructor(sources: Sources) {
    this.#stopDefaults = collectDefaultMetrics({ registry: this.registry });
    const mirrored = (name: string, help: string, read: () => number) => {
      let last = 0;
      return new Counter({
        name,
        help,
        registry: this.registry,
        collect() {
          const now = read();
          if (now > last) this.inc(now - last);
          last = now;
        },
      });
    };
    mirrored(
      'auth_client_cache_hits_total',
      'Client lookups answered from the cache.',
      () => sources.clientCache().hits,
    );
    mirrored(
      'auth_client_cache_misses_total',
      'Client lookups that read the database.',
      () => sources.clientCache().misses,
    );
    mirrored(
      'auth_client_cache_stale_served_total',
      'Clients served stale while the database failed.',
      () => sources.clientCache().staleServed,
    );
    new Gauge({
      name: 'auth_database_breaker_open',
      help: '1 while the circuit breaker around the database is open (calls fail fast), else 0.',
      registry: this.registry,
      collect() {
        this.set(sources.breakerOpen() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'auth_token_records_pending',
      help: 'Issued-token records accepted (spooled) and not yet written to the database.',
      registry: this.registry,
      collect() {
        const w = sources.writer();
        this.set(w.queued + w.inFlight);
      },
    });
    mirrored(
      'auth_token_records_written_total',
      'Issued-token records written to the database.',
      () => sources.writer().flushed,
    );
    mirrored(
      'auth_token_records_dead_lettered_total',
      'Issued-token records the database refused for good (logged).',
      () => sources.writer().deadLettered,
    );
  }

  close(): void {
    this.#stopDefaults();
  }
}
