// One run of a job as the history keeps it, and what a runner (local, HTTP,
// Docker) is given and gives back for one attempt.
import type { OutputBuffer } from '@perf/buffer-pool';
import type { JobSpec } from '../jobs/spec.js';
import type { StopSignal } from './stop.js';

/** Where a run's output is captured: a pooled OutputBuffer (the benchmark's unpooled peer has the same shape). */
export type CapturedOutput = Pick<
  OutputBuffer,
  'write' | 'toString' | 'truncated' | 'length' | 'droppedBytes' | 'release'
>;

/** What hands out a CapturedOutput per attempt: the output BufferPool. */
export interface OutputSource {
  output(options: { maxBytes: number; marker: string; initialBytes: number }): CapturedOutput;
}

export type RunTrigger = 'schedule' | 'manual' | 'startup';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'skipped';

export interface RunRecord {
  readonly id: string;
  readonly job: string;
  readonly trigger: RunTrigger;
  /** The tick it ran for (ms); null for a run-now. */
  readonly scheduledAt: number | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly status: RunStatus;
  /** The process's or container's exit code; the HTTP status for an HTTP job. */
  readonly exitCode: number | null;
  /** What went wrong, in words (null when it succeeded). */
  readonly error: string | null;
  /** The captured output (stdout and stderr as they came), cut at the job's max-output. */
  readonly output: string;
  readonly outputTruncated: boolean;
  /** Bytes the run wrote, kept or not. */
  readonly outputBytes: number;
  readonly attempts: number;
  /** The instance that ran it. */
  readonly instance: string;
  /** The fencing token of the tick's lock (null for a run-now of a job that may overlap). */
  readonly fence: number | null;
}

export interface AttemptContext<J extends JobSpec = JobSpec> {
  readonly job: J;
  readonly runId: string;
  /** The tick this run is for (null for a run-now). */
  readonly scheduledAt: number | null;
  /** The fencing token of the tick's claim (null when there was no claim). */
  readonly fence: number | null;
  /** Stopped at max-runtime (reason: AttemptTimeout) or at shutdown (SchedulerStopping). */
  readonly stop: StopSignal;
  /** Where stdout/stderr (or the response body) go. */
  readonly output: CapturedOutput;
}

export interface AttemptOutcome {
  readonly status: 'succeeded' | 'failed' | 'timed-out';
  readonly exitCode: number | null;
  readonly error: string | null;
}

export type Runner<J extends JobSpec = JobSpec> = (ctx: AttemptContext<J>) => Promise<AttemptOutcome>;

/** The reason a run is stopped with when it passes max-runtime. */
export class AttemptTimeout extends Error {
  override readonly name = 'AttemptTimeout';
  readonly code = 'SCHEDULER_RUN_TIMEOUT';
  constructor(readonly maxRuntimeMs: number) {
    super(`stopped after max-runtime (${maxRuntimeMs} ms)`);
  }
}

/** The reason a run is stopped with when the scheduler shuts down. */
export class SchedulerStopping extends Error {
  override readonly name = 'SchedulerStopping';
  readonly code = 'SCHEDULER_STOPPING';
  constructor() {
    super('stopped: the scheduler is shutting down');
  }
}
