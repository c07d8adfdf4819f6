// The scheduler's clock with fake time: ticks at the right instants, each
// once; overlap policies; pause; run now; misfires; daylight-saving changes;
// two schedulers sharing one coordinator; shutdown. Runs are held open or
// ended by the test, so what is measured is the scheduling alone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalCoordinator } from '../src/fleet/coordinator.js';
import type { JobSpec, LocalJob, OverlapPolicy } from '../src/jobs/spec.js';
import type { RunMeta } from '../src/runtime/execute.js';
import type { RunRecord } from '../src/runtime/run.js';
import type { StopSignal } from '../src/runtime/stop.js';
import { parseSchedule } from '../src/schedule/schedule.js';
import { type Log, Scheduler, type TickOutcome } from '../src/scheduler/scheduler.js';

const START = Date.UTC(2030, 0, 1);
const quiet: Log = { info() {}, warn() {}, error() {} };

function job(
  name: string,
  schedule: string,
  overlap: OverlapPolicy = 'allow',
  extra: Partial<LocalJob> = {},
): LocalJob {
  return {
    type: 'local',
    name,
    schedule: parseSchedule(schedule, extra.schedule?.timezone ?? 'UTC', START).schedule,
    overlap,
    queueSize: 1,
    retry: { maxRetries: 0, delayMs: 0, exponential: false, maxDelayMs: 0 },
    maxRuntimeMs: 60_000,
    maxOutputBytes: 1024,
    webhooks: [],
    runOnStartup: false,
    source: 'test',
    command: 'true',
    argv: ['true'],
    dir: undefined,
    environment: [],
    ...extra,
  };
}

interface Held {
  readonly job: JobSpec;
  readonly meta: RunMeta;
  readonly stop: StopSignal;
  finish(status?: RunRecord['status']): void;
}

/** A scheduler whose runs stay open until the test finishes them. */
function harness(jobs: JobSpec[], coordinator = new LocalCoordinator('a', { now: Date.now })) {
  const held: Held[] = [];
  const finished: RunRecord[] = [];
  const ticks: { job: string; outcome: TickOutcome }[] = [];
  const scheduler = new Scheduler({
    jobs,
    coordinator,
    log: quiet,
    misfireGraceMs: 5_000,
    leaseMs: 30_000,
    queuePollMs: 500,
    execute: (spec, meta, stop) =>
      new Promise<RunRecord>((resolve) => {
        held.push({
          job: spec,
          meta,
          stop,
          finish: (status = 'succeeded') =>
            resolve({
              ...meta,
              job: spec.name,
              finishedAt: Date.now(),
              status,
              exitCode: status === 'succeeded' ? 0 : 1,
              error: null,
              output: '',
              outputTruncated: false,
              outputBytes: 0,
              attempts: 1,
              instance: coordinator.instance,
            }),
        });
      }),
    hooks: {
      tick: (j, outcome) => ticks.push({ job: j, outcome }),
      finished: (r) => finished.push(r),
    },
  });
  const finishAll = async () => {
    for (const h of held.splice(0)) h.finish();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { scheduler, held, finished, ticks, finishAll, coordinator };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

beforeEach(() => {
  vi.useFakeTimers({ now: START + 3_250 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ticks', () => {
  it('@every 10s runs at each multiple of 10 s, once each, and starts on time', async () => {
    const h = harness([job('every', '@every 10s')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.held.map((r) => iso(r.meta.scheduledAt))).toEqual([
      '2030-01-01T00:00:10.000Z',
      '2030-01-01T00:00:20.000Z',
      '2030-01-01T00:00:30.000Z',
      '2030-01-01T00:00:40.000Z',
      '2030-01-01T00:00:50.000Z',
      '2030-01-01T00:01:00.000Z',
    ]);
    expect(h.held.every((r) => r.meta.startedAt === r.meta.scheduledAt)).toBe(true);
    expect(new Set(h.held.map((r) => r.meta.fence)).size).toBe(6);
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('a cron with seconds, and the status shows the next tick', async () => {
    const h = harness([job('cron', '*/15 * * * * *')]);
    h.scheduler.start();
    expect(iso(h.scheduler.status()[0]?.next ?? null)).toBe('2030-01-01T00:00:15.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.held.map((r) => new Date(r.meta.scheduledAt as number).getUTCSeconds())).toEqual([15, 30, 45, 0]);
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('an hourly Europe/Berlin job across the spring-forward change runs once per real hour', async () => {
    vi.setSystemTime(Date.UTC(2030, 2, 30, 23, 30));
    const h = harness([
      job('hourly', '0 * * * *', 'allow', { schedule: parseSchedule('0 * * * *', 'Europe/Berlin', START).schedule }),
    ]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(h.held.map((r) => iso(r.meta.scheduledAt))).toEqual([
      '2030-03-31T00:00:00.000Z',
      '2030-03-31T01:00:00.000Z',
      '2030-03-31T02:00:00.000Z',
    ]);
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('a tick found later than the misfire grace is counted missed, not run late; the schedule goes on', async () => {
    const h = harness([job('every', '@every 10s')]);
    h.scheduler.start();
    // The process is frozen for a minute: the wall clock jumps, the timer fires late.
    vi.setSystemTime(Date.now() + 60_000);
    await vi.advanceTimersByTimeAsync(6_750);
    expect(h.ticks.filter((t) => t.outcome === 'missed').length).toBeGreaterThanOrEqual(1);
    expect(h.held).toHaveLength(1); // the one tick within the grace
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.held).toHaveLength(2);
    expect(h.held.every((r) => Date.now() - (r.meta.scheduledAt as number) <= 15_000)).toBe(true);
    await h.finishAll();
    await h.scheduler.stop();
  });
});

describe('overlap', () => {
  it('skip (no-overlap): ticks while a run lasts are recorded as skipped, with the reason', async () => {
    const h = harness([job('slow', '@every 1s', 'skip')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.held).toHaveLength(1);
    expect(h.finished.map((r) => [r.status, r.error])).toEqual([
      ['skipped', 'the previous run is still running (no-overlap)'],
      ['skipped', 'the previous run is still running (no-overlap)'],
    ]);
    h.held[0]?.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.held).toHaveLength(2);
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('queue: one tick waits and runs when the previous run ends; beyond queue-size ticks are skipped', async () => {
    const h = harness([job('queued', '@every 1s', 'queue')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.held).toHaveLength(1);
    expect(h.scheduler.status()[0]?.queued).toBe(1);
    expect(h.finished.map((r) => r.status)).toEqual(['skipped']);
    expect(h.finished[0]?.error).toBe('the previous run is still running and 1 run(s) already wait (queue-size)');
    const queuedTick = Date.UTC(2030, 0, 1, 0, 0, 5);
    h.held[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.held).toHaveLength(2);
    expect(h.held[1]?.meta.scheduledAt).toBe(queuedTick);
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('allow: runs overlap', async () => {
    const h = harness([job('parallel', '@every 1s', 'allow')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.held).toHaveLength(3);
    expect(h.scheduler.status()[0]?.running).toBe(3);
    await h.finishAll();
    await h.scheduler.stop();
  });
});

describe('run now and pause', () => {
  it('run now starts a run outside the schedule; with no-overlap a second one is refused while it runs', async () => {
    const h = harness([job('manual', '@triggered', 'skip')]);
    h.scheduler.start();
    const first = await h.scheduler.runNow('manual');
    expect(first.outcome).toBe('started');
    expect(await h.scheduler.runNow('manual')).toEqual({ outcome: 'busy', holder: 'a' });
    expect(await h.scheduler.runNow('nope')).toEqual({ outcome: 'unknown-job' });
    expect(h.held[0]?.meta).toMatchObject({ trigger: 'manual', scheduledAt: null });
    await h.finishAll();
    expect((await h.scheduler.runNow('manual')).outcome).toBe('started');
    await h.finishAll();
    await h.scheduler.stop();
  });

  it('a paused job does not tick (fleet-wide, through the coordinator) until resumed', async () => {
    const h = harness([job('p', '@every 1s')]);
    h.scheduler.start();
    await h.coordinator.setPaused('p', true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.held).toHaveLength(0);
    expect(h.ticks.map((t) => t.outcome)).toEqual(['paused', 'paused', 'paused']);
    await h.coordinator.setPaused('p', false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.held).toHaveLength(1);
    await h.finishAll();
    await h.scheduler.stop();
  });
});

describe('two schedulers on one coordinator', () => {
  it('each tick runs once: the other instance loses the claim', async () => {
    const coordinator = new LocalCoordinator('shared', { now: Date.now });
    const a = harness([job('j', '@every 1s')], coordinator);
    const b = harness([job('j', '@every 1s')], coordinator);
    a.scheduler.start();
    b.scheduler.start();
    await vi.advanceTimersByTimeAsync(100_000);
    const runs = [...a.held, ...b.held];
    expect(runs).toHaveLength(100);
    expect(new Set(runs.map((r) => r.meta.scheduledAt)).size).toBe(100);
    const outcomes = [...a.ticks, ...b.ticks].map((t) => t.outcome);
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(100);
    expect(outcomes.filter((o) => o === 'lost')).toHaveLength(100);
    await a.finishAll();
    await b.finishAll();
    await Promise.all([a.scheduler.stop(), b.scheduler.stop()]);
  });
});

describe('stop', () => {
  it('records queued runs as skipped, gives running ones the drain time, then stops them', async () => {
    const h = harness([job('q', '@every 1s', 'queue')]);
    h.scheduler.start();
    await vi.advanceTimersByTimeAsync(2_000);
    const stopping = h.scheduler.stop(5_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.finished.map((r) => [r.status, r.error])).toEqual([
      ['skipped', 'the scheduler stopped before the queued run could start'],
    ]);
    expect(h.held[0]?.stop.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.held[0]?.stop.aborted).toBe(true);
    h.held[0]?.finish('failed');
    await stopping;
    expect(h.finished.map((r) => r.status)).toEqual(['skipped', 'failed']);
    expect(await h.scheduler.runNow('q')).toEqual({ outcome: 'stopping' });
  });
});
