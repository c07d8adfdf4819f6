// What a job is, once read from the configuration: the parts every type
// shares (schedule, overlap, retries, limits, notifications) and the parts
// of each type (local process, HTTP request, Docker exec, Docker run).
import type { Schedule } from '../schedule/schedule.js';

export type JobType = 'local' | 'http' | 'exec' | 'run';

/**
 * What happens when a tick (or a run-now) comes while the job still runs:
 * `allow` starts another run; `skip` records the tick as skipped (Ofelia's
 * `no-overlap = true`); `queue` runs it after the current one, at most
 * `queueSize` waiting, beyond which it is skipped.
 */
export type OverlapPolicy = 'allow' | 'skip' | 'queue';

export interface RetryPolicy {
  /** Attempts after the first; 0 = no retry (Ofelia's `max-retries`). */
  readonly maxRetries: number;
  readonly delayMs: number;
  /** Double the delay after each failed attempt (`retry-exponential`). */
  readonly exponential: boolean;
  readonly maxDelayMs: number;
}

interface JobBase {
  readonly name: string;
  readonly schedule: Schedule;
  readonly overlap: OverlapPolicy;
  readonly queueSize: number;
  readonly retry: RetryPolicy;
  /** A run is stopped after this long (`max-runtime`). */
  readonly maxRuntimeMs: number;
  /** Output kept per run, marker included; more is cut (`max-output`). */
  readonly maxOutputBytes: number;
  /** Names of the [webhook] sections notified about its runs. */
  readonly webhooks: readonly string[];
  readonly runOnStartup: boolean;
  /** Where it is defined: `scheduler.ini:12`. */
  readonly source: string;
}

export interface LocalJob extends JobBase {
  readonly type: 'local';
  readonly command: string;
  readonly argv: readonly string[];
  readonly dir: string | undefined;
  /** `NAME=value` entries added to the scheduler's own environment. */
  readonly environment: readonly string[];
}

export interface HttpJob extends JobBase {
  readonly type: 'http';
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Status codes that count as success, e.g. [[200, 299]]. */
  readonly expectStatus: readonly (readonly [number, number])[];
}

export interface ExecJob extends JobBase {
  readonly type: 'exec';
  readonly container: string;
  readonly command: string;
  readonly argv: readonly string[];
  readonly user: string;
  readonly tty: boolean;
  readonly environment: readonly string[];
  readonly workingDir: string | undefined;
}

export type PullPolicy = 'always' | 'never' | 'if-not-present';

export interface RunJob extends JobBase {
  readonly type: 'run';
  /** The image of a new container; undefined when the job starts an existing `container`. */
  readonly image: string | undefined;
  readonly container: string | undefined;
  readonly command: string | undefined;
  readonly argv: readonly string[] | undefined;
  readonly user: string;
  readonly tty: boolean;
  readonly environment: readonly string[];
  readonly network: string | undefined;
  readonly hostname: string | undefined;
  readonly volumes: readonly string[];
  readonly volumesFrom: readonly string[];
  readonly workingDir: string | undefined;
  /** Remove the container the job created once it has ended (Ofelia's `delete`). */
  readonly remove: boolean;
  readonly pull: PullPolicy;
}

export type JobSpec = LocalJob | HttpJob | ExecJob | RunJob;

/** When a webhook is called: Ofelia's `trigger`. */
export type WebhookTrigger = 'always' | 'error' | 'success' | 'skipped';

export interface WebhookSpec {
  readonly name: string;
  readonly url: string;
  readonly trigger: WebhookTrigger;
  readonly timeoutMs: number;
  /** Retries after a failed delivery (Ofelia's `retry-count`). */
  readonly retryCount: number;
  readonly retryDelayMs: number;
  readonly link: string | undefined;
  readonly linkText: string | undefined;
  readonly source: string;
}

export interface GlobalSettings {
  /** Repeated failure notifications of one job with one error are suppressed for this long (0 = never). */
  readonly notificationCooldownMs: number;
}

export interface SchedulerConfig {
  readonly jobs: readonly JobSpec[];
  readonly webhooks: readonly WebhookSpec[];
  readonly global: GlobalSettings;
}

/** The command a job runs, for lists and logs. */
export function describeJob(job: JobSpec): string {
  switch (job.type) {
    case 'local':
      return job.command;
    case 'http':
      return `${job.method} ${job.url}`;
    case 'exec':
      return `${job.container}: ${job.command}`;
    case 'run':
      return `${job.image ?? job.container ?? ''}${job.command === undefined ? '' : `: ${job.command}`}`;
  }
}
