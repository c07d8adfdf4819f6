// One run of a job from start to record: each attempt gets its own pooled
// output buffer and a max-runtime timer; a failed attempt is retried after
// the job's backoff (Ofelia's max-retries, retry-delay-ms, retry-exponential,
// retry-max-delay-ms) unless the scheduler is stopping. The record keeps the
// last attempt's output, copied out of the pool before the buffer goes back.
import type { BufferPool } from '@perf/buffer-pool';
import type { JobSpec, JobType, RetryPolicy } from '../jobs/spec.js';
import {
  type AttemptOutcome,
  AttemptTimeout,
  type Runner,
  type RunRecord,
  type RunTrigger,
  SchedulerStopping,
} from './run.js';

/** Appended where output was cut: the record shows that it was. */
export const TRUNCATION_MARKER = '\n[output truncated]\n';

export type Runners = { readonly [T in JobType]: Runner<Extract<JobSpec, { type: T }>> };

export interface ExecuteDeps {
  readonly runners: Runners;
  readonly pool: BufferPool;
  readonly now: () => number;
  readonly instance: string;
}

export interface RunMeta {
  readonly id: string;
  readonly trigger: RunTrigger;
  readonly scheduledAt: number | null;
  readonly fence: number | null;
  readonly startedAt: number;
}

/** The delay before retry number `retry` (1-based). */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  if (!policy.exponential) return Math.min(policy.delayMs, policy.maxDelayMs);
  return Math.min(policy.delayMs * 2 ** (retry - 1), policy.maxDelayMs);
}

export async function executeRun(
  job: JobSpec,
  meta: RunMeta,
  deps: ExecuteDeps,
  stop: AbortSignal,
): Promise<RunRecord> {
  const runner = deps.runners[job.type] as Runner;
  let attempt = 0;
  for (;;) {
    attempt++;
    const output = deps.pool.output({ maxBytes: job.maxOutputBytes, marker: TRUNCATION_MARKER });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout(job.maxRuntimeMs)), job.maxRuntimeMs);
    timer.unref();
    const onStop = () => controller.abort(new SchedulerStopping());
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
    let outcome: AttemptOutcome;
    try {
      outcome = await runner({
        job,
        runId: meta.id,
        scheduledAt: meta.scheduledAt,
        fence: meta.fence,
        signal: controller.signal,
        output,
      });
    } catch (error) {
      outcome = { status: 'failed', exitCode: null, error: (error as Error).message ?? String(error) };
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
    const text = output.toString();
    const truncated = output.truncated;
    const produced = output.length + output.droppedBytes - (truncated ? Buffer.byteLength(TRUNCATION_MARKER) : 0);
    output.release();
    const last = outcome.status === 'succeeded' || attempt > job.retry.maxRetries || stop.aborted;
    if (!last && (await sleep(retryDelay(job.retry, attempt), stop))) continue;
    return {
      id: meta.id,
      job: job.name,
      trigger: meta.trigger,
      scheduledAt: meta.scheduledAt,
      startedAt: meta.startedAt,
      finishedAt: deps.now(),
      status: outcome.status,
      exitCode: outcome.exitCode,
      error:
        outcome.error === null
          ? null
          : attempt > 1
            ? `${outcome.error} (attempt ${attempt} of ${job.retry.maxRetries + 1})`
            : outcome.error,
      output: text,
      outputTruncated: truncated,
      outputBytes: produced,
      attempts: attempt,
      instance: deps.instance,
      fence: meta.fence,
    };
  }
}

/** Resolves true after `ms`, or false at once when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
