// job-http: one request per attempt through the shared keep-alive pool and
// the target's circuit breaker. The response body is the run's output; the
// status decides the outcome (expect-status, 2xx by default) and is recorded
// as the run's exit code.
import type { HttpJob } from '../jobs/spec.js';
import { describeHttpError, HttpStatusError, type HttpTargets } from './httpTargets.js';
import { AttemptTimeout, type Runner } from './run.js';

const expected = (job: HttpJob, status: number) => job.expectStatus.some(([lo, hi]) => status >= lo && status <= hi);
const expectedText = (job: HttpJob) =>
  job.expectStatus.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(', ');

/**
 * Headers every request carries, so that the target knows which run and tick
 * it is for: `idempotency-key` is the job and its tick (or the run for a
 * run-now), the same on every retry, so a target can drop repeats.
 */
export function runHeaders(
  job: HttpJob,
  runId: string,
  scheduledAt: number | null,
  fence: number | null,
): Record<string, string> {
  return {
    'user-agent': 'perf-scheduler',
    'x-scheduler-job': job.name,
    'x-scheduler-run': runId,
    ...(scheduledAt === null ? {} : { 'x-scheduler-tick': new Date(scheduledAt).toISOString() }),
    ...(fence === null ? {} : { 'x-scheduler-fence': String(fence) }),
    'idempotency-key':
      scheduledAt === null ? `${job.name}:run:${runId}` : `${job.name}:${new Date(scheduledAt).toISOString()}`,
    ...job.headers,
  };
}

export function httpRunner(targets: HttpTargets): Runner<HttpJob> {
  return async ({ job, runId, scheduledAt, fence, stop, output }) => {
    let status: number;
    try {
      status = await targets.call({
        url: job.url,
        method: job.method,
        headers: runHeaders(job, runId, scheduledAt, fence),
        body: job.body,
        signal: stop.signal,
        onBody: (chunk) => output.write(chunk),
      });
    } catch (error) {
      if (stop.reason !== undefined) {
        const reason = stop.reason;
        return {
          status: reason instanceof AttemptTimeout ? 'timed-out' : 'failed',
          exitCode: null,
          error: `${reason.message}: the request to ${job.url} was aborted`,
        };
      }
      if (error instanceof HttpStatusError && expected(job, error.status)) {
        return { status: 'succeeded', exitCode: error.status, error: null };
      }
      return {
        status: 'failed',
        exitCode: error instanceof HttpStatusError ? error.status : null,
        error: describeHttpError(error, job.url),
      };
    }
    if (expected(job, status)) return { status: 'succeeded', exitCode: status, error: null };
    return {
      status: 'failed',
      exitCode: status,
      error: `HTTP ${status} from ${job.url}; expected ${expectedText(job)} (expect-status)`,
    };
  };
}
