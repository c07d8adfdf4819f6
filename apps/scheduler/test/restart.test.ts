// The embedded defaults keep the history and the paused jobs across a restart
// on the same data folder.
import { afterAll, expect, it } from 'vitest';
import { type Running, startScheduler } from './helpers.js';

const INI = `
[job-local "keep"]
schedule = @triggered
command = echo kept

[job-local "sleeper"]
schedule = @daily
command = true
`;

let second: Running | undefined;
afterAll(() => second?.stop());

it('a restart on the same data folder keeps the runs (with output) and the pauses', async () => {
  const first = await startScheduler(INI);
  const { body } = await first.post('/api/jobs/keep/run');
  await expect
    .poll(async () => (await first.runsOf('keep'))[0]?.status, { timeout: 10_000, interval: 25 })
    .toBe('succeeded');
  await first.post('/api/jobs/sleeper/pause');
  await first.stop({ keepData: true });

  second = await startScheduler(INI, {}, { dataDir: first.dataDir });
  const runs = await second.runsOf('keep');
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ id: body.runId, status: 'succeeded', output: 'kept\n', trigger: 'manual' });
  const jobs = (await second.get('/api/jobs')).body.jobs as Record<string, unknown>[];
  expect(jobs.find((j) => j.name === 'sleeper')).toMatchObject({ paused: true, nextRun: null });
  // The job list shows each job's last run from the history, not only runs of this process.
  expect(jobs.find((j) => j.name === 'keep')).toMatchObject({ lastRun: { id: body.runId } });
});
