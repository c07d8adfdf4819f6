// `pnpm bench [--filter <package>] [--grep <text>]`: runs every package's
// bench/*.bench.ts, each in its own process (so one suite's garbage and JIT
// state do not leak into the next), writes bench/results/<timestamp>.json and
// prints the table of medians and ours/peer ratios.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Environment, PackageResult, RunResult, SuiteResult } from './results.js';
import { formatTable } from './table.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function git(args: string): string {
  try {
    return execSync(`git ${args}`, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function environment(): Environment {
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    commit: git('rev-parse HEAD') || 'unknown',
    dirty: git('status --porcelain') !== '',
  };
}

interface BenchPackage {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
}

function discover(): BenchPackage[] {
  const found: BenchPackage[] = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(repo, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, entry);
      const benchDir = join(dir, 'bench');
      if (!existsSync(join(dir, 'package.json')) || !existsSync(benchDir)) continue;
      const files = readdirSync(benchDir)
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
        .map((f) => join(benchDir, f));
      if (files.length === 0) continue;
      const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
      found.push({ name, dir, files });
    }
  }
  return found;
}

function main(): void {
  const { values } = parseArgs({
    options: { filter: { type: 'string', multiple: true }, grep: { type: 'string' } },
    allowPositionals: false,
  });
  const all = discover();
  const wanted = values.filter ?? [];
  const selected = wanted.length
    ? all.filter((p) => wanted.some((w) => w === p.name || w === basename(p.dir) || w === `@perf/${w}`))
    : all;
  if (selected.length === 0) {
    console.error(
      `bench: no package matches --filter ${wanted.join(', ')}; known: ${all.map((p) => p.name).join(', ')}`,
    );
    process.exit(1);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'perf-bench-'));
  const packages: PackageResult[] = [];
  let failed = 0;
  for (const pkg of selected) {
    const suites: SuiteResult[] = [];
    for (const file of pkg.files) {
      const rel = relative(repo, file);
      const out = join(scratch, `${suites.length}-${basename(file)}.json`);
      console.log(`bench: ${pkg.name} ${rel}`);
      const env = { ...process.env, PERF_BENCH_OUT: out, ...(values.grep ? { PERF_BENCH_GREP: values.grep } : {}) };
      const child = spawnSync('tsx', ['--expose-gc', file], { cwd: pkg.dir, env, stdio: 'inherit' });
      if (child.status !== 0 || !existsSync(out)) {
        console.error(`bench: ${rel} failed (exit ${child.status ?? child.signal}); its results are left out`);
        failed++;
        continue;
      }
      const suite = JSON.parse(readFileSync(out, 'utf8')) as SuiteResult;
      suites.push({ ...suite, file: rel });
      console.log(formatTable([suite]));
    }
    packages.push({ package: pkg.name, suites });
  }
  rmSync(scratch, { recursive: true, force: true });

  const startedAt = new Date().toISOString();
  const run: RunResult = { schema: 1, startedAt, env: environment(), packages };
  const resultsDir = join(repo, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(run)}\n`);

  const e = run.env;
  console.log(`\nNode ${e.node}, ${e.cpu} × ${e.cores}, commit ${e.commit.slice(0, 10)}${e.dirty ? ' (dirty)' : ''}`);
  console.log(formatTable(packages.flatMap((p) => p.suites)));
  console.log(`\nbench: results written to ${relative(repo, path)}`);
  if (failed > 0) process.exit(1);
}

main();
