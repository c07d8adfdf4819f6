// What /metrics shows: jobs (runs by outcome, running, durations, how late
// ticks start, tick claims), Docker operations (count, errors, duration,
// breaker state), HTTP targets (breaker state), the output buffer pool, the
// history writer, notifications, and the process defaults. One registry per
// app instance, so several apps in one process (tests) do not collide.

import type { BufferPool } from '@perf/buffer-pool';
import type { BreakerState } from '@perf/circuit-breaker';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from '@perf/metrics';
import type { RunRecord } from './runtime/run.js';
import type { TickOutcome } from './scheduler/scheduler.js';

/** A breaker's state as a number: 0 closed, 1 half-open, 2 open (forced states as their kind). */
export function breakerStateValue(state: BreakerState): number {
  switch (state.kind) {
    case 'closed':
    case 'forced-closed':
      return 0;
    case 'half-open':
      return 1;
    case 'open':
    case 'forced-open':
      return 2;
  }
}

export interface MetricSources {
  readonly pool: BufferPool;
  readonly history: () => { queued: number; flushed: number; deadLettered: number; inFlight: number };
  readonly dockerBreaker: () => BreakerState;
  readonly httpBreakers: () => Iterable<readonly [string, BreakerState]>;
  readonly configProblems: () => { errors: number; warnings: number };
}

export class AppMetrics {
  readonly registry = new Registry({ name: 'scheduler' });
  readonly runs = new Counter({
    name: 'scheduler_job_runs_total',
    help: 'Runs ended, by job and status (succeeded, failed, timed-out, skipped).',
    labelNames: ['job', 'status'] as const,
    registry: this.registry,
  });
  readonly running = new Gauge({
    name: 'scheduler_jobs_running',
    help: 'Runs in progress on this instance, by job.',
    labelNames: ['job'] as const,
    registry: this.registry,
  });
  readonly duration = new Histogram({
    name: 'scheduler_job_run_duration_seconds',
    help: 'How long runs took, by job.',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600],
    registry: this.registry,
  });
  readonly startDelay = new Histogram({
    name: 'scheduler_run_start_delay_seconds',
    help: 'From a tick to its run starting (scheduled runs).',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registry: this.registry,
  });
  readonly ticks = new Counter({
    name: 'scheduler_ticks_total',
    help: 'Ticks by outcome: won (run here), lost (another instance), paused, busy (still running), missed, error (no claim).',
    labelNames: ['job', 'outcome'] as const,
    registry: this.registry,
  });
  readonly dockerRequests = new Counter({
    name: 'scheduler_docker_requests_total',
    help: 'Docker Engine API requests by operation and outcome (ok, error, rejected by the breaker).',
    labelNames: ['operation', 'outcome'] as const,
    registry: this.registry,
  });
  readonly dockerDuration = new Histogram({
    name: 'scheduler_docker_request_duration_seconds',
    help: 'Docker Engine API request time to response headers, by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registry: this.registry,
  });
  readonly notifications = new Counter({
    name: 'scheduler_notifications_total',
    help: 'Webhook notifications by webhook and outcome (sent, failed, suppressed).',
    labelNames: ['webhook', 'outcome'] as const,
    registry: this.registry,
  });
  readonly historyDropped = new Counter({
    name: 'scheduler_history_dead_lettered_total',
    help: 'Run records that could not be written to the history.',
    registry: this.registry,
  });
  readonly #stopDefaults: () => void;

  constructor(sources: MetricSources) {
    const registry = this.registry;
    new Gauge({
      name: 'scheduler_docker_breaker_state',
      help: 'The Docker client circuit breaker: 0 closed, 1 half-open, 2 open.',
      registry,
      collect() {
        this.set(breakerStateValue(sources.dockerBreaker()));
      },
    });
    new Gauge({
      name: 'scheduler_http_breaker_state',
      help: 'Circuit breaker per HTTP target (origin): 0 closed, 1 half-open, 2 open.',
      labelNames: ['target'] as const,
      registry,
      collect() {
        for (const [target, state] of sources.httpBreakers()) this.set({ target }, breakerStateValue(state));
      },
    });
    const pool = sources.pool;
    new Gauge({
      name: 'scheduler_output_pool_retained_bytes',
      help: 'Bytes held free in the output buffer pool, by class capacity.',
      labelNames: ['capacity'] as const,
      registry,
      collect() {
        for (const c of pool.stats().classes) this.set({ capacity: String(c.capacity) }, c.retainedBytes);
      },
    });
    new Gauge({
      name: 'scheduler_output_pool_acquires',
      help: 'Output buffer pool acquires since start, by result (hit: reused, miss: allocated, unpooled).',
      labelNames: ['result'] as const,
      registry,
      collect() {
        const s = pool.stats();
        this.set({ result: 'hit' }, s.hits);
        this.set({ result: 'miss' }, s.misses);
        this.set({ result: 'unpooled' }, s.unpooled);
      },
    });
    new Gauge({
      name: 'scheduler_history_queued',
      help: 'Run records waiting to be written (queued or in flight).',
      registry,
      collect() {
        const s = sources.history();
        this.set(s.queued + s.inFlight);
      },
    });
    new Gauge({
      name: 'scheduler_history_written',
      help: 'Run records written since start.',
      registry,
      collect() {
        this.set(sources.history().flushed);
      },
    });
    new Gauge({
      name: 'scheduler_config_problems',
      help: 'Problems in the jobs file, by severity (a job with an error is not loaded).',
      labelNames: ['severity'] as const,
      registry,
      collect() {
        const p = sources.configProblems();
        this.set({ severity: 'error' }, p.errors);
        this.set({ severity: 'warning' }, p.warnings);
      },
    });
    this.#stopDefaults = collectDefaultMetrics({ registry });
  }

  tick(job: string, outcome: TickOutcome): void {
    this.ticks.inc({ job, outcome });
  }

  started(record: RunRecord): void {
    this.running.inc({ job: record.job });
    if (record.scheduledAt !== null && record.trigger === 'schedule') {
      this.startDelay.observe(Math.max(0, record.startedAt - record.scheduledAt) / 1000);
    }
  }

  finished(record: RunRecord): void {
    this.runs.inc({ job: record.job, status: record.status });
    if (record.status === 'skipped') return;
    this.running.dec({ job: record.job });
    if (record.finishedAt !== null)
      this.duration.observe({ job: record.job }, (record.finishedAt - record.startedAt) / 1000);
  }

  close(): void {
    this.#stopDefaults();
  }
}
