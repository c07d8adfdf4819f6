// 10,000 runs of a job printing 2.5 MB (SCHEDULER_BENCH_RUNS to change it),
// four at a time: peak RSS and GC time with the output captured in the
// pooled buffers (ours) and with chunks joined by Buffer.concat (the peer),
// each side in a process of its own. Goal: the pooled side's RSS stays flat
// while the unpooled side's grows. The runs are real child processes, so the
// time per run is mostly fork/exec and the pipe; the figures that differ are
// memory and GC.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { compareSamples, runSuite } from '@perf/bench';

interface Side {
  runs: number;
  wallMs: number;
  samplesNs: number[];
  gcMs: number;
  peakRssBytes: number;
  rssCheckpoints: number[];
}

function side(mode: 'pooled' | 'unpooled'): Side {
  const out = execFileSync('tsx', ['--expose-gc', join(import.meta.dirname, 'outputWorkload.ts'), mode], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Side;
}

const measured = (s: Side) => ({
  samplesNs: s.samplesNs,
  extra: {
    peakRssBytes: s.peakRssBytes,
    firstTenthRssBytes: s.rssCheckpoints[0] ?? 0,
    lastTenthRssBytes: s.rssCheckpoints.at(-1) ?? 0,
    gcMs: s.gcMs,
    wallMs: s.wallMs,
  },
});

const name = `${Number(process.env.SCHEDULER_BENCH_RUNS ?? 10_000)} runs printing 2.5 MB, 4 at a time (time per run)`;
// Measured only when selected (`pnpm bench --grep`): it takes minutes.
if (!process.env.PERF_BENCH_GREP || name.includes(process.env.PERF_BENCH_GREP)) {
  const pooled = side('pooled');
  const unpooledSide = side('unpooled');
  compareSamples(name, { ours: measured(pooled), peers: { 'unpooled (Buffer.concat)': measured(unpooledSide) } });
}
await runSuite(import.meta.url);
