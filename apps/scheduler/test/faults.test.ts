// Faults a real process meets: SIGTERM while a job runs (it finishes within
// DRAIN_MS, is recorded, the process exits 0) and kill -9 (every run the API
// had reported finished is in the history after a restart: the batch writer's
// spool replays what the database had not yet received).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { freshDataDir } from './dataDir.js';
import { spawnScheduler } from './process.js';

let dataDir: string;
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (ini: string, env: Record<string, string> = {}) => {
  const configFile = join(dataDir, 'jobs.ini');
  writeFileSync(configFile, ini);
  return spawnScheduler({ DATA_DIR: dataDir, CONFIG_FILE: configFile, DRAIN_MS: '10000', ...env });
};
const runs = async (base: string, job: string) =>
  (
    (await (await fetch(`${base}/api/jobs/${job}/runs?limit=500`)).json()) as {
      runs: { id: string; status: string; output: string }[];
    }
  ).runs;

it('SIGTERM while a job runs: the run finishes, is recorded, and the process exits 0', async () => {
  dataDir = await freshDataDir('scheduler-sigterm-');
  const ini = `[job-local "slow"]\nschedule = @triggered\ncommand = "sh -c 'sleep 1; echo finished'"\n`;
  const first = await start(ini);
  const { runId } = (await (
    await fetch(`${first.base}/api/jobs/slow/run`, { method: 'POST', headers: { 'content-type': 'application/json' } })
  ).json()) as { runId: string };
  await expect
    .poll(async () => (await runs(first.base, 'slow'))[0]?.status, { timeout: 5_000, interval: 20 })
    .toBe('running');
  expect(await first.stop()).toBe(0);

  const second = await start(ini);
  try {
    expect((await runs(second.base, 'slow')).find((r) => r.id === runId)).toMatchObject({
      status: 'succeeded',
      output: 'finished\n',
    });
  } finally {
    await second.stop();
  }
}, 120_000);

it('kill -9, then a restart: every run reported finished before the kill is in the history', async () => {
  dataDir = await freshDataDir('scheduler-sigkill-');
  const ini = `[job-local "often"]\nschedule = @every 100ms\ncommand = echo tick\n`;
  // Records wait 60 s for their batch: at the kill, every one of them is only in the spool.
  const first = await start(ini, { HISTORY_FLUSH_MS: '60000' });
  let seen: string[] = [];
  await expect
    .poll(
      async () => {
        seen = (await runs(first.base, 'often')).filter((r) => r.status === 'succeeded').map((r) => r.id);
        return seen.length;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBeGreaterThanOrEqual(15);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  const second = await start(`[job-local "often"]\nschedule = @triggered\ncommand = echo tick\n`);
  try {
    await expect
      .poll(
        async () => {
          const kept = new Set((await runs(second.base, 'often')).map((r) => r.id));
          return seen.filter((id) => !kept.has(id));
        },
        { timeout: 10_000, interval: 100 },
      )
      .toEqual([]);
  } finally {
    await second.stop();
  }
}, 120_000);
