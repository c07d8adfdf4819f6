// 1,000 jobs on @every 1s for a minute (SCHEDULER_BENCH_SECONDS to change it):
// how late each run starts after its tick (the start drift), and the CPU the
// scheduling costs. Ours is the whole app (tick queue, claims, overlap,
// retries, the pooled output, metrics and the history written to the embedded
// database) with a job that does nothing, so that what is measured is the
// scheduling; the peer is croner's own timers, one per job (`new Cron('* * * *
// * *', fn)`), doing nothing but noting the time. Goal: p99 drift ≤ 10 ms.
// Then the same app as one instance of a fleet, its claims on PostgreSQL and
// on Redis (the services of DATABASE_URL / REDIS_URL, or the local defaults).
// Both sides first run 5 s of ticks that are not counted
// (SCHEDULER_BENCH_WARMUP_SECONDS), as a long-running scheduler is past its
// first seconds; their p99 is reported apart ("cold p99"): in them V8 has not
// yet compiled the path and the young generation is still growing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSamples, runSuite } from '@perf/bench';
import { postgres, redis, tempDatabase } from '@perf/testing';
import { Cron } from 'croner';
import { Redis } from 'ioredis';
import { readConfig } from '../src/config.js';
import { createSchedulerApp } from '../src/server.js';

const JOBS = 1_000;
const SECONDS = Number(process.env.SCHEDULER_BENCH_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.SCHEDULER_BENCH_WARMUP_SECONDS ?? 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuPercent = (before: NodeJS.CpuUsage, wallMs: number) => {
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / wallMs) * 100;
};

/** The drifts of the warm-up, kept apart from the measured ones. */
class Drifts {
  readonly samplesNs: number[] = [];
  readonly #coldNs: number[] = [];
  #measuring = false;

  add(ns: number): void {
    (this.#measuring ? this.samplesNs : this.#coldNs).push(ns);
  }

  /** Waits out the warm-up; what comes after is measured. */
  async warmUp(): Promise<void> {
    await sleep(WARMUP_SECONDS * 1_000);
    this.#measuring = true;
  }

  /** Every run seen, warm-up included. */
  get total(): number {
    return this.samplesNs.length + this.#coldNs.length;
  }

  coldP99Ms(): number {
    const sorted = [...this.#coldNs].sort((a, b) => a - b);
    return (sorted[Math.floor(sorted.length * 0.99)] ?? Number.NaN) / 1e6;
  }
}

type Measured = { samplesNs: number[]; extra: Record<string, number> };

/** `env`: DATABASE_URL or REDIS_URL for a fleet's coordinator (claims in the database or Redis). */
async function ours(env: Record<string, string> = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'scheduler-bench-drift-'));
  const jobs = Array.from(
    { length: JOBS },
    (_, i) => `[job-local "j${i}"]\nschedule = @every 1s\ncommand = true\n`,
  ).join('\n');
  writeFileSync(join(dir, 'jobs.ini'), jobs);
  const config = readConfig({
    DATA_DIR: dir,
    CONFIG_FILE: join(dir, 'jobs.ini'),
    PORT: '0',
    LOG_LEVEL: 'silent',
    DOCKER_HOST: `unix://${join(dir, 'none.sock')}`,
    ...env,
  });
  const drifts = new Drifts();
  const app = await createSchedulerApp(config, {
    logger: false,
    start: false,
    runners: {
      local: async ({ output }) => {
        output.write('ok\n');
        return { status: 'succeeded', exitCode: 0, error: null };
      },
    },
    observe: {
      started: (r) => {
        if (r.scheduledAt !== null) drifts.add((r.startedAt - r.scheduledAt) * 1e6);
      },
    },
  });
  await sleep(1_000); // let start-up work settle
  app.scheduler.start();
  await drifts.warmUp();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sleep(SECONDS * 1_000);
  await app.scheduler.stop();
  const wall = performance.now() - started;
  const percent = cpuPercent(cpu, wall);
  await app.history.flush();
  const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM job_runs');
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  // Every run started (warm-up included) must be in the history: `started` = `recorded`.
  const extra = {
    runs: drifts.samplesNs.length,
    coldP99Ms: drifts.coldP99Ms(),
    started: drifts.total,
    recorded: rows[0]?.n ?? 0,
    cpuPercent: percent,
  };
  return { samplesNs: drifts.samplesNs, extra };
}

async function croner(): Promise<Measured> {
  const drifts = new Drifts();
  const crons = Array.from(
    { length: JOBS },
    () =>
      new Cron('* * * * * *', () => {
        const now = Date.now();
        drifts.add((now - Math.floor(now / 1000) * 1000) * 1e6); // ticks are whole seconds
      }),
  );
  await drifts.warmUp();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await sleep(SECONDS * 1_000);
  for (const c of crons) c.stop();
  const percent = cpuPercent(cpu, performance.now() - started);
  return {
    samplesNs: drifts.samplesNs,
    extra: { runs: drifts.samplesNs.length, coldP99Ms: drifts.coldP99Ms(), cpuPercent: percent },
  };
}

const name = `start drift, ${JOBS} jobs @every 1s for ${SECONDS} s`;
const onPostgres = `${name}, claimed on PostgreSQL`;
const onRedis = `${name}, claimed on Redis`;
// Measured only when selected (`pnpm bench --grep`, or the whole bench): over two minutes each.
const selected = (bench: string) => !process.env.PERF_BENCH_GREP || bench.includes(process.env.PERF_BENCH_GREP);
let peer: Measured | undefined;
const crons = async () => {
  peer ??= await croner();
  return peer;
};
if (selected(name)) compareSamples(name, { ours: await ours(), peers: { 'croner timers': await crons() } });
// The same app as one instance of a fleet: each tick's claims go to PostgreSQL or Redis (one statement or
// one script call per tick), and with PostgreSQL the history too.
if (selected(onPostgres)) {
  const pg = await postgres();
  if (pg.skip) console.log(`${onPostgres}: not measured, ${pg.skip}`);
  else {
    const db = await tempDatabase(pg.url, 'scheduler_bench');
    try {
      compareSamples(onPostgres, {
        ours: await ours({ DATABASE_URL: db.url }),
        peers: { 'croner timers': await crons() },
      });
    } finally {
      await db.drop();
    }
  }
}
if (selected(onRedis)) {
  const rd = await redis();
  if (rd.skip) console.log(`${onRedis}: not measured, ${rd.skip}`);
  else {
    const prefix = `scheduler-bench-${process.pid}`;
    try {
      compareSamples(onRedis, {
        ours: await ours({ REDIS_URL: rd.url, REDIS_PREFIX: prefix }),
        peers: { 'croner timers': await crons() },
      });
    } finally {
      const client = new Redis(rd.url);
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
    }
  }
}
await runSuite(import.meta.url);
