// job-local with real child processes: environment, directory, exit codes,
// a command that is not found, output cut at max-output, and max-runtime
// stopping the whole process group (grandchildren included).
import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitCommand } from '../src/jobs/commandLine.js';
import type { LocalJob } from '../src/jobs/spec.js';
import { executeRun, TRUNCATION_MARKER } from '../src/runtime/execute.js';
import { localRunner } from '../src/runtime/localRunner.js';
import { createOutputPool } from '../src/runtime/outputPool.js';
import { StopSource } from '../src/runtime/stop.js';
import { parseSchedule } from '../src/schedule/schedule.js';

const pool = createOutputPool('test-local');
const runner = localRunner({ killGraceMs: 300 });
const unsupported = async () => ({ status: 'failed' as const, exitCode: null, error: 'not in this test' });
const runners = { local: runner, http: unsupported, exec: unsupported, run: unsupported };

function job(command: string, extra: Partial<LocalJob> = {}): LocalJob {
  return {
    type: 'local',
    name: 'test',
    schedule: parseSchedule('@triggered', undefined, 0).schedule,
    overlap: 'allow',
    queueSize: 1,
    retry: { maxRetries: 0, delayMs: 0, exponential: false, maxDelayMs: 0 },
    maxRuntimeMs: 20_000,
    maxOutputBytes: 64 * 1024,
    webhooks: [],
    runOnStartup: false,
    source: 'test',
    command,
    argv: splitCommand(command),
    dir: undefined,
    environment: [],
    ...extra,
  };
}

const run = (j: LocalJob) =>
  executeRun(
    j,
    {
      id: '00000000-0000-4000-8000-000000000000',
      trigger: 'manual',
      scheduledAt: null,
      fence: null,
      startedAt: Date.now(),
    },
    { runners, pool, now: Date.now, instance: 'test' },
    new StopSource(),
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('job-local', () => {
  it('runs the command with the job environment added to the scheduler’s, in its directory', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sched-dir-')));
    const r = await run(
      job(`sh -c 'echo $GREETING $PATH_IS_KEPT; pwd; echo oops >&2'`, {
        dir,
        environment: ['GREETING=hello', `PATH_IS_KEPT=${process.env.PATH === undefined ? 'no' : 'yes'}`],
      }),
    );
    expect(r).toMatchObject({ status: 'succeeded', exitCode: 0, error: null, attempts: 1, outputTruncated: false });
    expect(r.output.split('\n').sort()).toEqual(['', dir, 'hello yes', 'oops'].sort());
  });

  it('a non-zero exit fails the run with its code', async () => {
    expect(await run(job(`sh -c 'exit 3'`))).toMatchObject({
      status: 'failed',
      exitCode: 3,
      error: 'exited with code 3',
    });
  });

  it('a command that is not found says so', async () => {
    expect(await run(job('no-such-command-here --flag'))).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: 'command not found: no-such-command-here (not an executable in PATH or at that path)',
    });
  });

  it('a missing working directory says so', async () => {
    expect(await run(job('true', { dir: '/no/such/dir' }))).toMatchObject({
      status: 'failed',
      error: 'working directory /no/such/dir does not exist (dir = …)',
    });
  });

  it('output past max-output is cut, marked, and its full size counted', async () => {
    const r = await run(job(`sh -c 'yes | head -c 300000'`, { maxOutputBytes: 1024 }));
    expect(r.status).toBe('succeeded');
    expect(r.outputTruncated).toBe(true);
    expect(Buffer.byteLength(r.output)).toBe(1024);
    expect(r.output.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(r.output.slice(0, 1024 - TRUNCATION_MARKER.length)).toBe(
      'y\n'.repeat(512).slice(0, 1024 - TRUNCATION_MARKER.length),
    );
    expect(r.outputBytes).toBe(300_000);
  });

  it('max-runtime stops the whole process group, grandchildren included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sched-group-'));
    // The child starts a grandchild in the background and reports both pids, then both sleep.
    const r = await run(job(`sh -c 'sleep 30 & echo $$ $!; wait'`, { dir, maxRuntimeMs: 500 }));
    expect(r.status).toBe('timed-out');
    expect(r.error).toBe(
      'stopped after max-runtime (500 ms): the process group was stopped (SIGTERM, then SIGKILL after 300 ms)',
    );
    const [shell, grandchild] = r.output.trim().split(' ').map(Number) as [number, number];
    expect(grandchild).toBeGreaterThan(0);
    await expect.poll(() => alive(shell) || alive(grandchild), { timeout: 2_000, interval: 20 }).toBe(false);
  });

  it('retries a failed run after the backoff and records the attempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sched-retry-'));
    // Fails until its third attempt: each attempt appends a line to a file in its directory.
    const r = await run(
      job(`sh -c 'echo x >> count; test $(wc -l < count) -ge 3'`, {
        dir,
        retry: { maxRetries: 4, delayMs: 10, exponential: true, maxDelayMs: 50 },
      }),
    );
    expect(r).toMatchObject({ status: 'succeeded', attempts: 3, error: null });
  });

  it('gives up after max-retries with the last error and the attempt count', async () => {
    const r = await run(
      job(`sh -c 'exit 7'`, { retry: { maxRetries: 2, delayMs: 1, exponential: false, maxDelayMs: 1 } }),
    );
    expect(r).toMatchObject({ status: 'failed', attempts: 3, error: 'exited with code 7 (attempt 3 of 3)' });
  });
});
