// The clock of the scheduler: it wakes at the earliest next tick, claims each
// due tick from the coordinator (so one instance of a fleet runs it), applies
// the job's overlap policy and starts the run. A tick found later than the
// misfire grace (the process was stopped, the machine slept) is counted as
// missed instead of run late; ticks are computed from the previous tick, not
// from "now", so a busy event loop never skips one within the grace.
import { randomUUID } from 'node:crypto';
import type { Claim, Coordinator } from '../fleet/coordinator.js';
import type { JobSpec } from '../jobs/spec.js';
import type { RunMeta } from '../runtime/execute.js';
import { type RunRecord, type RunTrigger, SchedulerStopping } from '../runtime/run.js';
import { type StopSignal, StopSource } from '../runtime/stop.js';
import { TickQueue } from './tickQueue.js';

/**
 * A timer fires on libuv's millisecond clock, and on a virtual machine comes
 * back late by more (here 0.4 ms plus 0.1% of the wait: 1.3 ms for a second),
 * which every run of the tick would add to its drift. So the scheduler's timer
 * wakes it this much early, and it polls the rest once per turn of the event
 * loop (other I/O goes on between turns), to start runs within a fraction of a
 * millisecond of their tick.
 */
const EARLY_MS = 3;

export type TickOutcome = 'won' | 'lost' | 'paused' | 'busy' | 'missed' | 'error';

export interface SchedulerHooks {
  /** Each tick, with how it went; `lateMs` is how late the scheduler woke for it. */
  tick?(job: string, outcome: TickOutcome, lateMs: number): void;
  /** A run started (status `running`). */
  started?(record: RunRecord): void;
  /** A run ended, or a tick was skipped (status `skipped`). */
  finished(record: RunRecord): void;
}

export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  readonly jobs: readonly JobSpec[];
  readonly coordinator: Coordinator;
  readonly execute: (job: JobSpec, meta: RunMeta, stop: StopSignal) => Promise<RunRecord>;
  readonly hooks: SchedulerHooks;
  readonly log: Log;
  /** Wall clock in ms. Default `Date.now`. */
  readonly now?: () => number;
  /** A tick found later than this is missed, not run. Default 5 s. */
  readonly misfireGraceMs?: number;
  /** Lease of a run that must not overlap; renewed every third of it. Default 30 s. */
  readonly leaseMs?: number;
  /** How often a queued run asks whether another instance's run has ended. Default 500 ms. */
  readonly queuePollMs?: number;
}

export type RunNowResult =
  | { readonly outcome: 'started'; readonly runId: string }
  | { readonly outcome: 'queued' }
  | { readonly outcome: 'busy'; readonly holder: string }
  | { readonly outcome: 'unknown-job' }
  | { readonly outcome: 'stopping' };

/** A tick found due by a wake, within the misfire grace. */
interface DueTick {
  readonly state: JobState;
  readonly tick: number;
  readonly lateMs: number;
}

interface Pending {
  readonly trigger: RunTrigger;
  readonly tick: number | undefined;
}

interface JobState {
  readonly spec: JobSpec;
  next: number | undefined;
  running: number;
  readonly queue: Pending[];
  pollTimer: NodeJS.Timeout | undefined;
  last: RunRecord | undefined;
}

export interface JobStatus {
  readonly spec: JobSpec;
  readonly next: number | undefined;
  readonly running: number;
  readonly queued: number;
  readonly last: RunRecord | undefined;
}

export class Scheduler {
  readonly #states = new Map<string, JobState>();
  readonly #queue = new TickQueue<JobState>();
  readonly #coordinator: Coordinator;
  readonly #options: SchedulerOptions;
  readonly #now: () => number;
  readonly #graceMs: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  /** The runs in flight, by run id. */
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #stop = new StopSource();
  #timer: NodeJS.Timeout | undefined;
  /** The last turns before a tick are polled (see EARLY_MS). */
  #poll: NodeJS.Immediate | undefined;
  #polledAt = -1;
  #started = false;
  #stopping = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#coordinator = options.coordinator;
    this.#now = options.now ?? Date.now;
    this.#graceMs = options.misfireGraceMs ?? 5_000;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.queuePollMs ?? 500;
    for (const spec of options.jobs) {
      this.#states.set(spec.name, {
        spec,
        next: undefined,
        running: 0,
        queue: [],
        pollTimer: undefined,
        last: undefined,
      });
    }
  }

  /** Arms the first tick of every job and starts the run-on-startup ones. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const now = this.#now();
    for (const state of this.#states.values()) {
      state.next = state.spec.schedule.next(now);
      if (state.next !== undefined) this.#queue.push(state.next, state);
      if (state.spec.runOnStartup) void this.runNow(state.spec.name, 'startup');
    }
    this.#arm();
  }

  /** The jobs, in configuration order, with their next tick and what runs now. */
  status(): JobStatus[] {
    return [...this.#states.values()].map((s) => ({
      spec: s.spec,
      next: s.next,
      running: s.running,
      queued: s.queue.length,
      last: s.last,
    }));
  }

  has(job: string): boolean {
    return this.#states.has(job);
  }

  /** Runs a job now, outside its schedule; its overlap policy applies. */
  async runNow(job: string, trigger: RunTrigger = 'manual'): Promise<RunNowResult> {
    const state = this.#states.get(job);
    if (state === undefined) return { outcome: 'unknown-job' };
    if (this.#stopping) return { outcome: 'stopping' };
    const policy = state.spec.overlap;
    if (policy === 'allow') return { outcome: 'started', runId: this.#start(state, trigger, undefined, null, false) };
    if (policy === 'queue' && (state.running > 0 || state.queue.length > 0)) {
      return this.#enqueue(state, { trigger, tick: undefined })
        ? { outcome: 'queued' }
        : { outcome: 'busy', holder: this.#coordinator.instance };
    }
    const claim = await this.#coordinator.claim(job, { tick: undefined, exclusive: true, leaseMs: this.#leaseMs });
    if (claim.outcome === 'won')
      return { outcome: 'started', runId: this.#start(state, trigger, undefined, claim.fence, true) };
    const holder = claim.outcome === 'busy' ? claim.holder : this.#coordinator.instance;
    if (policy === 'queue' && this.#enqueue(state, { trigger, tick: undefined })) return { outcome: 'queued' };
    return { outcome: 'busy', holder };
  }

  /**
   * Stops ticking; runs in flight get `drainMs` to finish, then are stopped
   * (their process groups killed, containers stopped) and recorded. Runs still
   * queued are recorded as skipped.
   */
  async stop(drainMs = 10_000): Promise<void> {
    if (this.#stopping) return this.#drained();
    this.#stopping = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#poll);
    for (const state of this.#states.values()) {
      clearTimeout(state.pollTimer);
      for (const p of state.queue.splice(0))
        this.#skipped(state, p, 'the scheduler stopped before the queued run could start');
    }
    if (this.#inflight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([this.#drained(), timeout]);
      clearTimeout(timer);
    }
    this.#stop.stop(new SchedulerStopping());
    await this.#drained();
  }

  async #drained(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight.values()]);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#poll);
    if (this.#stopping) return;
    const top = this.#queue.peek();
    if (top === undefined) return;
    const gap = top.at - this.#now();
    if (gap > 0 && gap <= EARLY_MS) {
      // A clock that does not move between two turns of the event loop is a fake one: wait on a timer instead.
      const polledAt = performance.now();
      if (polledAt !== this.#polledAt) {
        this.#polledAt = polledAt;
        this.#poll = setImmediate(() => this.#wake());
        return;
      }
    }
    // Never sleep longer than 30 s: a wall clock set back or forward is noticed within that.
    const delay = Math.min(Math.max(gap > EARLY_MS ? gap - EARLY_MS : gap, 0), 30_000);
    this.#timer = setTimeout(() => this.#wake(), delay);
    this.#timer.unref();
  }

  #wake(): void {
    const now = this.#now();
    const due: DueTick[] = [];
    for (let top = this.#queue.peek(); top !== undefined && top.at <= now; top = this.#queue.peek()) {
      this.#queue.pop();
      const state = top.item;
      const tick = top.at;
      const late = now - tick;
      if (late <= this.#graceMs) due.push({ state, tick, lateMs: late });
      else this.#missed(state, tick, late);
      let next = state.spec.schedule.next(tick);
      if (next !== undefined && now - next > this.#graceMs) {
        // Ticks slept through: one "missed" for the lot, then on from within the grace.
        this.#missed(state, next, now - next);
        next = state.spec.schedule.next(now - this.#graceMs);
      }
      state.next = next;
      if (next !== undefined) this.#queue.requeue(top, next);
    }
    if (due.length > 0) void this.#dispatch(due);
    this.#arm();
  }

  #missed(state: JobState, tick: number, lateMs: number): void {
    this.#options.hooks.tick?.(state.spec.name, 'missed', lateMs);
    this.#options.log.warn(
      { job: state.spec.name, tick: new Date(tick).toISOString(), lateMs },
      'tick missed: the scheduler woke later than the misfire grace',
    );
  }

  /** Claims the ticks due now, all in one call to the coordinator, and starts (or skips, or queues) each run. */
  async #dispatch(due: readonly DueTick[]): Promise<void> {
    let claims: readonly Claim[];
    try {
      claims = await this.#coordinator.claimTicks(
        due.map(({ state, tick }) => ({
          job: state.spec.name,
          tick,
          exclusive: state.spec.overlap !== 'allow',
          leaseMs: this.#leaseMs,
        })),
      );
    } catch (error) {
      for (const { state, lateMs } of due) this.#options.hooks.tick?.(state.spec.name, 'error', lateMs);
      this.#options.log.error(
        {
          err: error,
          jobs: due.map(({ state }) => state.spec.name),
          tick: new Date(due[0]!.tick).toISOString(),
          coordinator: this.#coordinator.kind,
        },
        'ticks not run: their claims failed (the coordinator did not answer), and running them unclaimed could run them twice',
      );
      return;
    }
    for (let i = 0; i < due.length; i++) this.#claimed(due[i]!, claims[i]!);
  }

  #claimed({ state, tick, lateMs }: DueTick, claim: Claim): void {
    const name = state.spec.name;
    const exclusive = state.spec.overlap !== 'allow';
    if (claim.outcome === 'won' && !this.#stopping) this.#start(state, 'schedule', tick, claim.fence, exclusive);
    // Counted after the start: a run waits for no bookkeeping of its own.
    this.#options.hooks.tick?.(name, claim.outcome, lateMs);
    if (this.#stopping) return;
    if (claim.outcome === 'busy') {
      const pending = { trigger: 'schedule' as const, tick };
      const where = claim.holder === this.#coordinator.instance ? '' : ` on ${claim.holder}`;
      if (state.spec.overlap === 'queue') {
        if (!this.#enqueue(state, pending)) {
          this.#skipped(
            state,
            pending,
            `the previous run is still running${where} and ${state.spec.queueSize} run(s) already wait (queue-size)`,
          );
        }
      } else this.#skipped(state, pending, `the previous run is still running${where} (no-overlap)`);
    }
  }

  #enqueue(state: JobState, pending: Pending): boolean {
    if (state.queue.length >= state.spec.queueSize) return false;
    state.queue.push(pending);
    if (state.running === 0) this.#drainQueue(state);
    return true;
  }

  /** Starts the first queued run once no run holds the job (here or on another instance). */
  #drainQueue(state: JobState): void {
    clearTimeout(state.pollTimer);
    state.pollTimer = undefined;
    if (this.#stopping || state.running > 0 || state.queue.length === 0) return;
    const name = state.spec.name;
    this.#coordinator.claim(name, { tick: undefined, exclusive: true, leaseMs: this.#leaseMs }).then(
      (claim) => {
        const pending = state.queue[0];
        if (claim.outcome === 'won' && pending !== undefined && !this.#stopping && state.running === 0) {
          state.queue.shift();
          this.#start(state, pending.trigger, pending.tick, claim.fence, true);
          return;
        }
        if (claim.outcome === 'won') void this.#coordinator.releaseLease(name, claim.fence);
        this.#pollQueue(state);
      },
      (error: unknown) => {
        this.#options.log.warn({ err: error, job: name }, 'queued run waits: the coordinator did not answer');
        this.#pollQueue(state);
      },
    );
  }

  #pollQueue(state: JobState): void {
    if (this.#stopping || state.queue.length === 0 || state.running > 0) return;
    state.pollTimer = setTimeout(() => this.#drainQueue(state), this.#pollMs);
    state.pollTimer.unref();
  }

  #skipped(state: JobState, pending: Pending, reason: string): void {
    const now = this.#now();
    const record: RunRecord = {
      id: randomUUID(),
      job: state.spec.name,
      trigger: pending.trigger,
      scheduledAt: pending.tick ?? null,
      startedAt: now,
      finishedAt: now,
      status: 'skipped',
      exitCode: null,
      error: reason,
      output: '',
      outputTruncated: false,
      outputBytes: 0,
      attempts: 0,
      instance: this.#coordinator.instance,
      fence: null,
    };
    state.last = record;
    this.#options.hooks.finished(record);
  }

  #start(
    state: JobState,
    trigger: RunTrigger,
    tick: number | undefined,
    fence: number | null,
    leased: boolean,
  ): string {
    const meta: RunMeta = { id: randomUUID(), trigger, scheduledAt: tick ?? null, fence, startedAt: this.#now() };
    state.running++;
    const started = this.#options.hooks.started;
    if (started !== undefined) {
      // Bookkeeping (metrics, the in-memory history) after the other jobs due now have started.
      const instance = this.#coordinator.instance;
      queueMicrotask(() => started(record(meta, state.spec.name, instance, null, null)));
    }
    this.#inflight.set(meta.id, this.#run(state, meta, leased ? fence : null));
    return meta.id;
  }

  /** The run from start to record; `leaseFence` is the fence of the lease it holds, if any. */
  async #run(state: JobState, meta: RunMeta, leaseFence: number | null): Promise<void> {
    const name = state.spec.name;
    const renew = leaseFence === null ? undefined : this.#keepLease(name, leaseFence);
    let result: RunRecord;
    try {
      result = await this.#options.execute(state.spec, meta, this.#stop);
    } catch (error) {
      const why = `the scheduler failed to run it: ${(error as Error).message}`;
      result = record(meta, name, this.#coordinator.instance, this.#now(), why);
    }
    clearInterval(renew);
    if (leaseFence !== null) {
      await this.#coordinator
        .releaseLease(name, leaseFence)
        .catch((error: unknown) =>
          this.#options.log.warn({ err: error, job: name }, 'lease not released; it expires on its own'),
        );
    }
    this.#inflight.delete(meta.id);
    state.running--;
    state.last = result;
    this.#options.hooks.finished(result);
    this.#drainQueue(state);
  }

  /** Renews a run's lease every third of it, so a long run keeps other instances out. */
  #keepLease(name: string, fence: number): NodeJS.Timeout {
    const renew = setInterval(
      () => {
        this.#coordinator.renewLease(name, fence, this.#leaseMs).then(
          (held) => {
            if (!held) {
              this.#options.log.warn(
                { job: name, fence },
                'lease lost: a newer run holds the job (this run was paused past its lease)',
              );
            }
          },
          (error: unknown) =>
            this.#options.log.warn({ err: error, job: name }, 'lease not renewed: the coordinator did not answer'),
        );
      },
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
    renew.unref();
    return renew;
  }
}

/** A run's record while it runs (`finishedAt` null), or failed outside its runner (`error`). */
function record(
  meta: RunMeta,
  job: string,
  instance: string,
  finishedAt: number | null,
  error: string | null,
): RunRecord {
  return {
    id: meta.id,
    job,
    trigger: meta.trigger,
    scheduledAt: meta.scheduledAt,
    startedAt: meta.startedAt,
    finishedAt,
    status: finishedAt === null ? 'running' : 'failed',
    exitCode: null,
    error,
    output: '',
    outputTruncated: false,
    outputBytes: 0,
    attempts: 1,
    instance,
    fence: meta.fence,
  };
}
