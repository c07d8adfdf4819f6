// Webhook notifications ([webhook "name"] sections, listed by a job's
// `webhooks` and the global `webhook-webhooks`): a JSON POST in the shape of
// Ofelia's json-post preset, sent when the run matches the webhook's trigger,
// retried `retry-count` times `retry-delay` apart through the target's
// circuit breaker. Duplicates are suppressed two ways: every delivery of one
// run to one webhook carries the same Idempotency-Key (a receiver drops the
// retries it already has), and with `notification-cooldown` a failure repeated
// by the same job with the same error is sent once per cooldown.
import { hostname } from 'node:os';
import { Cache } from '@perf/cache';
import { describeJob, type JobSpec, type WebhookSpec, type WebhookTrigger } from '../jobs/spec.js';
import { describeHttpError, type HttpTargets } from '../runtime/httpTargets.js';
import type { RunRecord } from '../runtime/run.js';
import type { Log } from '../scheduler/scheduler.js';

export type NotifyOutcome = 'sent' | 'failed' | 'suppressed';

export interface NotifierOptions {
  readonly webhooks: readonly WebhookSpec[];
  readonly targets: HttpTargets;
  readonly cooldownMs: number;
  readonly log: Log;
  readonly onOutcome?: (webhook: string, outcome: NotifyOutcome) => void;
  readonly now?: () => number;
}

const OUTPUT_CHARS = 4_000;

export function matchesTrigger(trigger: WebhookTrigger, run: RunRecord): boolean {
  switch (trigger) {
    case 'always':
      return run.status !== 'running';
    case 'error':
      return run.status === 'failed' || run.status === 'timed-out';
    case 'success':
      return run.status === 'succeeded';
    case 'skipped':
      return run.status === 'skipped';
  }
}

function nanosText(ms: number): string {
  return ms < 1_000 ? `${ms}ms` : `${ms / 1_000}s`;
}

/** The body of Ofelia's json-post preset, filled from a run. */
export function payload(job: JobSpec, run: RunRecord, webhook: WebhookSpec, now: number) {
  const durationMs = run.finishedAt === null ? 0 : run.finishedAt - run.startedAt;
  return {
    job: { name: job.name, command: describeJob(job), schedule: job.schedule.text, type: job.type },
    execution: {
      id: run.id,
      status: run.status === 'succeeded' ? 'success' : run.status === 'skipped' ? 'skipped' : 'failed',
      failed: run.status === 'failed' || run.status === 'timed-out',
      skipped: run.status === 'skipped',
      duration: nanosText(durationMs),
      duration_ns: durationMs * 1_000_000,
      start_time: new Date(run.startedAt).toISOString(),
      end_time: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
      error: run.error ?? '',
      output: run.output.slice(0, OUTPUT_CHARS),
      stderr: '',
      exit_code: run.exitCode,
      attempts: run.attempts,
      scheduled_time: run.scheduledAt === null ? null : new Date(run.scheduledAt).toISOString(),
    },
    host: { hostname: hostname(), timestamp: new Date(now).toISOString(), instance: run.instance },
    ofelia: { version: 'perf-scheduler' },
    ...(webhook.link === undefined ? {} : { link: { url: webhook.link, text: webhook.linkText ?? 'View Details' } }),
  };
}

export class Notifier {
  readonly #byName: Map<string, WebhookSpec>;
  readonly #options: NotifierOptions;
  readonly #now: () => number;
  readonly #recentFailures: Cache<number> | undefined;
  readonly #inflight = new Set<Promise<void>>();
  readonly #stop = new AbortController();

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#byName = new Map(options.webhooks.map((w) => [w.name, w]));
    this.#recentFailures =
      options.cooldownMs > 0
        ? new Cache<number>({ name: 'notification-cooldown', max: 10_000, ttl: options.cooldownMs, now: this.#now })
        : undefined;
  }

  /** Sends the run to every webhook of its job whose trigger it matches (in the background). */
  notify(job: JobSpec, run: RunRecord): void {
    if (run.status === 'running') return;
    for (const name of job.webhooks) {
      const webhook = this.#byName.get(name);
      if (webhook === undefined || !matchesTrigger(webhook.trigger, run)) continue;
      if (this.#suppressed(job, run, webhook)) continue;
      const p = this.#deliver(job, run, webhook).finally(() => this.#inflight.delete(p));
      this.#inflight.add(p);
    }
  }

  /** A failure this job already reported with the same error within the cooldown is not sent again. */
  #suppressed(job: JobSpec, run: RunRecord, webhook: WebhookSpec): boolean {
    const cache = this.#recentFailures;
    if (cache === undefined || !(run.status === 'failed' || run.status === 'timed-out')) return false;
    const key = `${webhook.name}\u0000${job.name}\u0000${run.error ?? ''}`;
    if (cache.get(key) !== undefined) {
      this.#options.onOutcome?.(webhook.name, 'suppressed');
      this.#options.log.info(
        { job: job.name, webhook: webhook.name, run: run.id },
        'notification suppressed: the same failure was sent within notification-cooldown',
      );
      return true;
    }
    void cache.set(key, this.#now());
    return false;
  }

  async #deliver(job: JobSpec, run: RunRecord, webhook: WebhookSpec): Promise<void> {
    const body = JSON.stringify(payload(job, run, webhook, this.#now()));
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'idempotency-key': `${run.id}:${webhook.name}`,
      'user-agent': 'perf-scheduler',
    };
    let lastError = '';
    for (let attempt = 0; attempt <= webhook.retryCount; attempt++) {
      if (attempt > 0 && !(await this.#sleep(webhook.retryDelayMs))) break;
      const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(webhook.timeoutMs)]);
      try {
        const status = await this.#options.targets.call({ url: webhook.url, method: 'POST', headers, body, signal });
        if (status >= 200 && status < 300) {
          this.#options.onOutcome?.(webhook.name, 'sent');
          return;
        }
        lastError = `HTTP ${status} from ${webhook.url}`;
      } catch (error) {
        lastError =
          signal.aborted && !this.#stop.signal.aborted
            ? `no answer within ${webhook.timeoutMs} ms`
            : describeHttpError(error, webhook.url);
      }
      if (this.#stop.signal.aborted) break;
    }
    this.#options.onOutcome?.(webhook.name, 'failed');
    this.#options.log.error(
      { job: job.name, webhook: webhook.name, run: run.id, error: lastError, attempts: webhook.retryCount + 1 },
      'notification not delivered',
    );
  }

  #sleep(ms: number): Promise<boolean> {
    const stop = this.#stop.signal;
    if (stop.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      timer.unref();
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      stop.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waits up to `graceMs` for deliveries in flight, then abandons their retries (each logged as not delivered). */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#inflight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.#stop.abort();
    await Promise.allSettled([...this.#inflight]);
    await this.#recentFailures?.close();
  }
}
