// The JSON API over real HTTP, with real local jobs: the job list, run now
// and its history row, pause and resume, the guards on POST, /metrics, and a
// jobs file with mistakes (reported, the good jobs still run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startScheduler } from './helpers.js';

const INI = `
[global]
timezone = UTC

[job-local "echo"]
schedule = @triggered
command = "sh -c 'echo hello; echo to-stderr >&2'"

[job-local "fails"]
schedule = @triggered
command = "sh -c 'echo about to fail; exit 4'"

[job-local "missing"]
schedule = @triggered
command = no-such-binary-anywhere

[job-local "nightly"]
schedule = 30 2 * * *
command = true

[job-local "broken"]
schedule = 0 0 31 2 *
command = true

[job-teleport "beam"]
schedule = @daily
`;

describe('the JSON API', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startScheduler(INI);
  });
  afterAll(() => s?.stop());

  const finished = async (job: string, runId: string) => {
    let run: Record<string, unknown> | undefined;
    await expect
      .poll(
        async () => {
          run = (await s.runsOf(job)).find((r) => r.id === runId);
          return run?.status;
        },
        { timeout: 10_000, interval: 25 },
      )
      .not.toBe('running');
    return run as Record<string, unknown>;
  };

  it('lists the jobs that loaded, with their next run, and the problems of the file', async () => {
    const { status, body } = await s.get('/api/jobs');
    expect(status).toBe(200);
    const jobs = body.jobs as Record<string, unknown>[];
    expect(jobs.map((j) => j.name)).toEqual(['echo', 'fails', 'missing', 'nightly']);
    const nightly = jobs.find((j) => j.name === 'nightly');
    expect(nightly).toMatchObject({
      type: 'local',
      schedule: '30 2 * * *',
      timezone: 'UTC',
      paused: false,
      running: 0,
    });
    expect(new Date(nightly?.nextRun as string).toISOString()).toMatch(/T02:30:00\.000Z$/);
    expect(jobs.find((j) => j.name === 'echo')?.nextRun).toBeNull();
    expect((body.problems as { text: string }[]).map((p) => p.text)).toEqual([
      'jobs.ini:22: [job-local "broken"] schedule: "0 0 31 2 *" never fires: no date matches it (a day that does not exist in that month, such as 31 2)',
      'jobs.ini:25: [job-teleport "beam"] unknown job type job-teleport: use job-local, job-exec, job-run or job-http; this section is not loaded',
    ]);
  });

  it('run now: 202 with the run id; the run shows as running, then its output and status', async () => {
    const { status, body } = await s.post('/api/jobs/echo/run');
    expect(status).toBe(202);
    expect(body.outcome).toBe('started');
    const run = await finished('echo', body.runId as string);
    expect(run).toMatchObject({ trigger: 'manual', status: 'succeeded', exitCode: 0, error: null, attempts: 1 });
    expect((run.output as string).split('\n').sort()).toEqual(['', 'hello', 'to-stderr']);
    const full = await s.get(`/api/runs/${body.runId}`);
    expect(full.body).toMatchObject({ id: body.runId, job: 'echo', status: 'succeeded' });
  });

  it('a failing command and a command that is not found are recorded with a clear error', async () => {
    const fails = await finished('fails', (await s.post('/api/jobs/fails/run')).body.runId as string);
    expect(fails).toMatchObject({
      status: 'failed',
      exitCode: 4,
      error: 'exited with code 4',
      output: 'about to fail\n',
    });
    const missing = await finished('missing', (await s.post('/api/jobs/missing/run')).body.runId as string);
    expect(missing).toMatchObject({
      status: 'failed',
      error: 'command not found: no-such-binary-anywhere (not an executable in PATH or at that path)',
    });
  });

  it('pause and resume change the job, and the job list says so', async () => {
    expect((await s.post('/api/jobs/nightly/pause')).body).toEqual({ name: 'nightly', paused: true });
    let nightly = ((await s.get('/api/jobs')).body.jobs as Record<string, unknown>[]).find((j) => j.name === 'nightly');
    expect(nightly).toMatchObject({ paused: true, nextRun: null });
    expect((await s.post('/api/jobs/nightly/resume')).body).toEqual({ name: 'nightly', paused: false });
    nightly = ((await s.get('/api/jobs')).body.jobs as Record<string, unknown>[]).find((j) => j.name === 'nightly');
    expect(nightly?.paused).toBe(false);
  });

  it('unknown jobs and runs are 404 with a message', async () => {
    expect(await s.post('/api/jobs/nope/run')).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no job named "nope" (GET /api/jobs lists them)' },
    });
    expect((await s.get('/api/jobs/nope/runs')).status).toBe(404);
    expect((await s.get('/api/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('a POST without Content-Type: application/json (a cross-site form) is refused', async () => {
    const r = await s.post('/api/jobs/echo/run', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
  });

  it('/metrics shows runs, ticks, Docker breaker state, the output pool and config problems', async () => {
    const res = await fetch(`${s.base}/metrics`);
    const text = await res.text();
    expect(text).toContain('scheduler_job_runs_total{job="echo",status="succeeded"} 1');
    expect(text).toContain('scheduler_job_runs_total{job="fails",status="failed"} 1');
    expect(text).toContain('scheduler_docker_breaker_state 0');
    expect(text).toMatch(/scheduler_output_pool_retained_bytes\{capacity="262144"\} \d+/);
    expect(text).toContain('scheduler_config_problems{severity="error"} 2');
    expect(text).toContain('scheduler_job_run_duration_seconds_count{job="echo"} 1');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('/healthz and /readyz answer', async () => {
    expect((await s.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await s.get('/readyz')).body).toEqual({ status: 'ready' });
  });
});

describe('with ADMIN_TOKEN', () => {
  let s: Running;
  const token = 'a-long-enough-admin-token-for-tests';
  beforeAll(async () => {
    s = await startScheduler('[job-local "t"]\nschedule = @triggered\ncommand = true\n', { ADMIN_TOKEN: token });
  });
  afterAll(() => s?.stop());

  it('POSTs need the bearer token; GETs do not', async () => {
    expect((await s.post('/api/jobs/t/run')).status).toBe(401);
    expect(
      (await s.post('/api/jobs/t/run', { 'content-type': 'application/json', authorization: `Bearer ${token}` }))
        .status,
    ).toBe(202);
    expect((await s.get('/api/jobs')).status).toBe(200);
  });
});
