// Notifications to a real HTTP receiver: the json-post payload, triggers,
// retries with one idempotency key, duplicate suppression by
// notification-cooldown, and a receiver that stays down.
import { closedPort } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startScheduler } from './helpers.js';
import { metric } from './process.js';
import { startTarget, type Target } from './target.js';

let receiver: Target;
let s: Running;
let attempts = 0;

beforeAll(async () => {
  receiver = await startTarget();
  const down = await closedPort();
  s = await startScheduler(`
[global]
notification-cooldown = 1h
webhook-webhooks = on-error

[webhook "on-error"]
url = ${receiver.url}/errors
trigger = error
retry-count = 3
retry-delay = 20ms
link = https://logs.example.com
link-text = Logs

[webhook "on-success"]
url = ${receiver.url}/ok
trigger = success

[webhook "nowhere"]
url = http://127.0.0.1:${down}/
trigger = always
retry-count = 2
retry-delay = 10ms

[job-local "flaky"]
schedule = @triggered
command = "sh -c 'echo doing it; exit 3'"

[job-local "other"]
schedule = @triggered
command = "sh -c 'exit 5'"

[job-local "good"]
schedule = @triggered
command = echo fine
webhooks = on-success, nowhere
`);
});
afterAll(async () => {
  await s?.stop();
  await receiver?.close();
});

const runNow = async (job: string) => {
  const id = (await s.post(`/api/jobs/${job}/run`)).body.runId as string;
  await expect
    .poll(async () => (await s.runsOf(job)).find((r) => r.id === id)?.status, { timeout: 10_000, interval: 20 })
    .not.toBe('running');
  return id;
};
const hitsTo = (path: string) => receiver.hits.filter((h) => h.path === path);

describe('webhooks', () => {
  it("a failed run is POSTed in Ofelia's json-post shape, retried until delivered with one idempotency key", async () => {
    attempts = 0;
    receiver.answer = (hit) => (hit.path === '/errors' && ++attempts < 3 ? { status: 502 } : { status: 204 });
    const runId = await runNow('flaky');
    await expect.poll(() => hitsTo('/errors').length, { timeout: 5_000, interval: 20 }).toBe(3);
    const keys = new Set(hitsTo('/errors').map((h) => h.headers['idempotency-key']));
    expect([...keys]).toEqual([`${runId}:on-error`]);
    const body = JSON.parse(hitsTo('/errors')[2]?.body ?? '{}');
    expect(body).toMatchObject({
      job: { name: 'flaky', type: 'local', schedule: '@triggered', command: "sh -c 'echo doing it; exit 3'" },
      execution: {
        id: runId,
        status: 'failed',
        failed: true,
        skipped: false,
        error: 'exited with code 3',
        output: 'doing it\n',
      },
      link: { url: 'https://logs.example.com', text: 'Logs' },
    });
    expect(hitsTo('/errors')[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('the same failure again within notification-cooldown is suppressed; a different one is sent', async () => {
    receiver.answer = () => ({ status: 200 });
    const before = hitsTo('/errors').length;
    await runNow('flaky');
    await runNow('other');
    await expect.poll(() => hitsTo('/errors').length, { timeout: 5_000, interval: 20 }).toBe(before + 1);
    expect(JSON.parse(hitsTo('/errors').at(-1)?.body ?? '{}').job.name).toBe('other');
    const text = await (await fetch(`${s.base}/metrics`)).text();
    expect(metric(text, 'scheduler_notifications_total{webhook="on-error",outcome="suppressed"}')).toBe(1);
  });

  it('trigger = success fires on success only; a receiver that stays down is counted failed and the run is not affected', async () => {
    const id = await runNow('good');
    await expect.poll(() => hitsTo('/ok').length, { timeout: 5_000, interval: 20 }).toBe(1);
    expect(JSON.parse(hitsTo('/ok')[0]?.body ?? '{}').execution).toMatchObject({
      id,
      status: 'success',
      failed: false,
    });
    await expect
      .poll(
        async () =>
          metric(
            await (await fetch(`${s.base}/metrics`)).text(),
            'scheduler_notifications_total{webhook="nowhere",outcome="failed"}',
          ),
        { timeout: 5_000, interval: 50 },
      )
      .toBe(1);
    expect((await s.runsOf('good'))[0]?.status).toBe('succeeded');
  });
});
