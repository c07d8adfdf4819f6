// One side of the output benchmark, in a process of its own (its peak RSS is
// its own): RUNS runs, CONCURRENCY at a time, of a local job printing 2.5 MB
// (`head -c 2621440 /dev/zero`, a real child process), captured through the
// scheduler's executeRun into the pooled buffers (`pooled`) or into chunks
// joined with Buffer.concat (`unpooled`). Prints one JSON line: the time of
// each run, GC time, peak RSS and RSS after every tenth of the runs.
import { PerformanceObserver } from 'node:perf_hooks';
import type { LocalJob } from '../src/jobs/spec.js';
import { executeRun } from '../src/runtime/execute.js';
import { localRunner } from '../src/runtime/localRunner.js';
import { createOutputPool } from '../src/runtime/outputPool.js';
import { StopSource } from '../src/runtime/stop.js';
import { parseSchedule } from '../src/schedule/schedule.js';
import { unpooled } from './unpooledOutput.js';

const mode = process.argv[2] === 'unpooled' ? 'unpooled' : 'pooled';
const RUNS = Number(process.env.SCHEDULER_BENCH_RUNS ?? 10_000);
const CONCURRENCY = 4;
const SIZE = 2_621_440; // 2.5 MB

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const job: LocalJob = {
  type: 'local',
  name: 'print',
  schedule: parseSchedule('@triggered', undefined, 0).schedule,
  overlap: 'allow',
  queueSize: 1,
  retry: { maxRetries: 0, delayMs: 0, exponential: false, maxDelayMs: 0 },
  maxRuntimeMs: 60_000,
  maxOutputBytes: SIZE,
  webhooks: [],
  runOnStartup: false,
  source: 'bench',
  command: `head -c ${SIZE} /dev/zero`,
  argv: ['head', '-c', String(SIZE), '/dev/zero'],
  dir: undefined,
  environment: [],
};
const unsupported = async () => ({ status: 'failed' as const, exitCode: null, error: 'not here' });
const deps = {
  runners: { local: localRunner(), http: unsupported, exec: unsupported, run: unsupported },
  pool: mode === 'pooled' ? createOutputPool() : unpooled,
  outputSizes: new Map<string, number>(),
  now: Date.now,
  instance: 'bench',
};
const stop = new StopSource();
const samplesNs: number[] = [];
const rssCheckpoints: number[] = [];
let next = 0;
let done = 0;
const worker = async () => {
  while (next < RUNS) {
    next++;
    const t = process.hrtime.bigint();
    const r = await executeRun(
      job,
      { id: String(next), trigger: 'manual', scheduledAt: null, fence: null, startedAt: Date.now() },
      deps,
      stop,
    );
    samplesNs.push(Number(process.hrtime.bigint() - t));
    if (r.status !== 'succeeded' || r.outputBytes !== SIZE)
      throw new Error(`run failed: ${r.status} ${r.error} ${r.outputBytes}`);
    done++;
    if (done % Math.max(1, Math.floor(RUNS / 10)) === 0) rssCheckpoints.push(process.memoryUsage.rss());
  }
};
const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
process.stdout.write(
  `${JSON.stringify({
    mode,
    runs: RUNS,
    wallMs: performance.now() - started,
    samplesNs,
    gcMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssCheckpoints,
  })}\n`,
);
