// Workload benchmark: capture 1,000 outputs of 2.5 MB (as a job scheduler
// captures child stdout), pooled vs unpooled; GC time, peak RSS and throughput.
// Run: pnpm --filter @perf/buffer-pool bench:workload  (tsx --expose-gc bench/workload.ts)
// Each mode runs in a fresh child process (peak RSS is per process), three
// rounds alternating; the table shows the median round of each mode.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BufferPool } from '../src/index.js';

const OUTPUTS = 1000;
const OUTPUT_BYTES = 2.5 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024; // a pipe read
const ROUNDS = 3;

// baseline: the same process capturing nothing, to read the RSS figures against.
// pooled: default tiers, so 2.5 MB lives in the 4 MiB class (zeroed whole on release);
// pooled-adaptive: adaptive tiering learns an exact 2.5 MB class after 64 outputs.
type Mode = 'baseline' | 'unpooled' | 'pooled' | 'pooled-adaptive';
const MODES: readonly Mode[] = ['baseline', 'unpooled', 'pooled', 'pooled-adaptive'];

interface Result {
  readonly mode: Mode;
  readonly seconds: number;
  readonly gcMs: number;
  readonly gcCount: number;
  readonly peakRssMiB: number;
}

// Same input for every mode: one chunk, delivered OUTPUT_BYTES / CHUNK_BYTES times per output.
const chunk = Buffer.alloc(CHUNK_BYTES, 'x');
let checksum = 0; // read each output so neither mode can skip work

function captureUnpooled(): void {
  // What capture code usually does: collect the chunks, then Buffer.concat.
  const chunks: Buffer[] = [];
  for (let n = 0; n < OUTPUT_BYTES; n += CHUNK_BYTES) chunks.push(chunk);
  const output = Buffer.concat(chunks);
  checksum += output[output.length - 1]!;
}

function capturePooled(pool: BufferPool): void {
  using out = pool.output({ maxBytes: 4 * 1024 * 1024 });
  for (let n = 0; n < OUTPUT_BYTES; n += CHUNK_BYTES) out.write(chunk);
  const output = out.bytes();
  checksum += output[output.length - 1]!;
}

async function runMode(mode: Mode): Promise<Result> {
  let gcMs = 0;
  let gcCount = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount++;
    }
  });
  const pool = new BufferPool(mode === 'pooled-adaptive' ? { adaptive: { window: 64 } } : {});
  (globalThis as { gc?: () => void }).gc?.();
  observer.observe({ entryTypes: ['gc'] });
  const start = process.hrtime.bigint();
  for (let i = 0; mode !== 'baseline' && i < OUTPUTS; i++) {
    if (mode === 'unpooled') captureUnpooled();
    else capturePooled(pool);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // GC entries are delivered asynchronously: let them arrive before reading the sum.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  if (mode !== 'baseline' && checksum !== OUTPUTS * 'x'.charCodeAt(0)) throw new Error(`bad checksum ${checksum}`);
  return { mode, seconds, gcMs, gcCount, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const child = process.argv[2];
  if (MODES.includes(child as Mode)) {
    process.stdout.write(JSON.stringify(await runMode(child as Mode)));
    return;
  }
  const results: Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
      results.push(JSON.parse(r.stdout) as Result);
    }
  }
  const mb = (OUTPUTS * OUTPUT_BYTES) / 1024 / 1024;
  console.log(`Node ${process.versions.node}, ${cpus()[0]?.model.trim()} × ${cpus().length}`);
  console.log(`${OUTPUTS} outputs × 2.5 MB in 64 KiB chunks, median of ${ROUNDS} rounds per mode\n`);
  console.log('| mode | wall time | throughput | GC time | GC events | peak RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const mode of MODES) {
    const rs = results.filter((r) => r.mode === mode);
    const seconds = median(rs.map((r) => r.seconds));
    const throughput =
      mode === 'baseline' ? '–' : `${(mb / seconds).toFixed(0)} MB/s (${(OUTPUTS / seconds).toFixed(0)} outputs/s)`;
    console.log(
      `| ${mode} | ${seconds.toFixed(2)} s | ${throughput} | ` +
        `${median(rs.map((r) => r.gcMs)).toFixed(1)} ms | ${median(rs.map((r) => r.gcCount))} | ` +
        `${median(rs.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
    );
  }
}

await main();
