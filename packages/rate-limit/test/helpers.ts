// Helpers shared by the Redis test files: unique prefixes, cleanup on the
// shared server, and running consumer child processes.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { ConsumerJob, ConsumerResult } from './fixtures/consumer.js';

const run = randomBytes(4).toString('hex');
let n = 0;
/** A prefix no other test (or engineer) uses; cleaned up by `cleanPrefixes`. */
export const uniquePrefix = (): string => `perf-rl-test-${run}-${n++}`;

/** Deletes every key this test file created on the shared server. */
export async function cleanPrefixes(url: string): Promise<void> {
  const c = new Redis(url);
  const keys = await c.keys(`perf-rl-test-${run}-*`);
  if (keys.length > 0) await c.del(...keys);
  c.disconnect();
}

const consumer = fileURLToPath(new URL('./fixtures/consumer.ts', import.meta.url));

/** Starts one child process per job, waits until all are connected, starts them together and collects their results. */
export async function runConsumers(jobs: readonly ConsumerJob[]): Promise<ConsumerResult[]> {
  const children = jobs.map((job) =>
    fork(consumer, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PERF_RL_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const exits = children.map(
    (child) =>
      new Promise<void>((resolve, reject) =>
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`consumer exited with ${code}`)))),
      ),
  );
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  const results = children.map((child) => new Promise<ConsumerResult>((resolve) => child.once('message', resolve)));
  for (const child of children) child.send('go');
  const out = await Promise.all(results);
  await Promise.all(exits);
  return out;
}

/** Redis' clock in ms (the one the script uses). */
export async function redisNow(url: string): Promise<number> {
  const c = new Redis(url);
  const [s, us] = await c.time();
  c.disconnect();
  return Number(s) * 1000 + Number(us) / 1000;
}
