// job-http against a real HTTP server on loopback: the request and its run
// headers, the status check, keep-alive reuse, timeouts, a target that is
// down, and the circuit breaker per target (open after 5 failures, one trial
// call after 30 s; the clock of that part is a manual one).
import { closedPort, manualClock } from '@perf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpJob } from '../src/jobs/spec.js';
import { executeRun } from '../src/runtime/execute.js';
import { httpRunner } from '../src/runtime/httpRunner.js';
import { HttpTargets } from '../src/runtime/httpTargets.js';
import { createOutputPool } from '../src/runtime/outputPool.js';
import { StopSource } from '../src/runtime/stop.js';
import { parseSchedule } from '../src/schedule/schedule.js';
import { type Running, startScheduler } from './helpers.js';
import { startTarget, type Target } from './target.js';

let target: Target;
let other: Target;
beforeAll(async () => {
  target = await startTarget();
  other = await startTarget();
});
afterAll(async () => {
  await target?.close();
  await other?.close();
});
afterEach(() => {
  target.hits.length = 0;
  target.answer = () => ({ status: 200, body: 'ok' });
});

describe('job-http in the app', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startScheduler(`
[job-http "ping"]
schedule = @triggered
url = ${target.url}/ping?x=1
method = POST
header = X-Api-Key: k1
body = "{\\"hello\\":\\"world\\"}"
expect-status = 200-204

[job-http "slow"]
schedule = @triggered
url = ${target.url}/slow
max-runtime = 300ms

[job-http "down"]
schedule = @triggered
url = http://127.0.0.1:${await closedPort()}/
`);
  });
  afterAll(() => s?.stop());

  const runNow = async (job: string) => {
    const id = (await s.post(`/api/jobs/${job}/run`)).body.runId as string;
    let run: Record<string, unknown> | undefined;
    await expect
      .poll(
        async () => {
          run = (await s.runsOf(job)).find((r) => r.id === id);
          return run?.status;
        },
        { timeout: 10_000, interval: 20 },
      )
      .not.toBe('running');
    return run as Record<string, unknown>;
  };

  it('sends the request with the run headers; the body is the output, the status the exit code', async () => {
    target.answer = () => ({ status: 201, body: 'created it' });
    const run = await runNow('ping');
    expect(run).toMatchObject({ status: 'succeeded', exitCode: 201, output: 'created it', error: null });
    const hit = target.hits[0];
    expect(hit).toMatchObject({ method: 'POST', path: '/ping?x=1', body: '{"hello":"world"}' });
    expect(hit?.headers).toMatchObject({
      'x-api-key': 'k1',
      'x-scheduler-job': 'ping',
      'x-scheduler-run': run.id,
      'idempotency-key': `ping:run:${run.id}`,
      'user-agent': 'perf-scheduler',
    });
  });

  it('a status outside expect-status fails the run and says what was expected', async () => {
    target.answer = () => ({ status: 404, body: 'no such thing' });
    const run = await runNow('ping');
    expect(run).toMatchObject({
      status: 'failed',
      exitCode: 404,
      error: `HTTP 404 from ${target.url}/ping?x=1; expected 200-204 (expect-status)`,
    });
  });

  it('runs reuse one kept-alive connection', async () => {
    for (let i = 0; i < 4; i++) await runNow('ping');
    expect(new Set(target.hits.map((h) => h.remotePort)).size).toBe(1);
  });

  it('a target slower than max-runtime: the request is aborted and the run timed out', async () => {
    target.answer = () => ({ status: 200, delayMs: 3_000 });
    const run = await runNow('slow');
    expect(run).toMatchObject({
      status: 'timed-out',
      error: `stopped after max-runtime (300 ms): the request to ${target.url}/slow was aborted`,
    });
  });

  it('a target that is not listening: the run says the connection was refused', async () => {
    const run = await runNow('down');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      /^cannot connect to http:\/\/127\.0\.0\.1:\d+: connection refused \(is it listening\?\)$/,
    );
  });
});

describe('the circuit breaker per target', () => {
  const clock = manualClock();
  const targets = new HttpTargets({ now: clock.now });
  const runner = httpRunner(targets);
  const pool = createOutputPool('test-http');
  const unsupported = async () => ({ status: 'failed' as const, exitCode: null, error: 'not here' });
  afterAll(() => targets.close());

  const job = (url: string): HttpJob => ({
    type: 'http',
    name: 'h',
    schedule: parseSchedule('@triggered', undefined, 0).schedule,
    overlap: 'allow',
    queueSize: 1,
    retry: { maxRetries: 0, delayMs: 0, exponential: false, maxDelayMs: 0 },
    maxRuntimeMs: 5_000,
    maxOutputBytes: 4096,
    webhooks: [],
    runOnStartup: false,
    source: 'test',
    url,
    method: 'GET',
    headers: {},
    body: undefined,
    expectStatus: [[200, 299]],
  });
  const run = (url: string) =>
    executeRun(
      job(url),
      { id: crypto.randomUUID(), trigger: 'manual', scheduledAt: null, fence: null, startedAt: clock.now() },
      {
        runners: { http: runner, local: unsupported, exec: unsupported, run: unsupported },
        pool,
        now: clock.now,
        instance: 't',
      },
      new StopSource(),
    );

  it('opens after 5 failures in a row: the target is not called, other targets are', async () => {
    target.answer = () => ({ status: 503, body: 'overloaded' });
    for (let i = 0; i < 5; i++) expect((await run(`${target.url}/x`)).error).toBe(`HTTP 503 from ${target.url}/x`);
    const rejected = await run(`${target.url}/x`);
    expect(rejected.status).toBe('failed');
    expect(rejected.error).toBe(
      `not called: the circuit for ${target.url} is open after repeated failures; it is tried again after ${new Date(clock.now() + 30_000).toISOString()}`,
    );
    expect(target.hits).toHaveLength(5);
    expect([...targets.states()].find(([origin]) => origin === target.url)?.[1].kind).toBe('open');
    expect((await run(`${other.url}/fine`)).status).toBe('succeeded');
  });

  it('4xx answers are the caller’s fault and never open it', async () => {
    target.answer = () => ({ status: 404 });
    const fresh = `http://localhost:${new URL(target.url).port}/missing`; // another origin string, its own breaker
    for (let i = 0; i < 8; i++) expect((await run(fresh)).exitCode).toBe(404);
    expect([...targets.states()].find(([origin]) => origin === new URL(fresh).origin)?.[1].kind).toBe('closed');
  });

  it('after 30 s one trial call goes through; its success closes the circuit', async () => {
    clock.advance(30_000);
    target.answer = () => ({ status: 200, body: 'back' });
    expect(await run(`${target.url}/x`)).toMatchObject({ status: 'succeeded', output: 'back' });
    expect([...targets.states()].find(([origin]) => origin === target.url)?.[1].kind).toBe('closed');
  });
});
