// Runs packages' bench/*.bench.ts files, each in its own process (so one
// suite's garbage and JIT state do not leak into the next), and collects
// their JSON into one RunResult with the environment fingerprint.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Environment, PackageResult, RunResult, SuiteResult } from './results.js';
import { formatTable } from './table.js';

/** The repository root. */
export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

export interface BenchPackage {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
}

/** Every workspace package or app with a bench/ folder of *.bench.ts files. */
export function discover(): BenchPackage[] {
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

/** `cache`, `@perf/cache` and the full name all select `@perf/cache`. */
export function selectPackages(all: readonly BenchPackage[], wanted: readonly string[]): BenchPackage[] {
  if (wanted.length === 0) return all.slice();
  return all.filter((p) => wanted.some((w) => w === p.name || w === basename(p.dir) || p.name === `@perf/${w}`));
}

export interface RunOptions {
  /** Keeps only comparisons whose name contains this text. */
  readonly grep?: string | undefined;
}

/** Runs the given packages' bench files; `failed` counts files that crashed (their results are left out). */
export function runBenchmarks(
  selected: readonly BenchPackage[],
  options: RunOptions = {},
): { run: RunResult; failed: number } {
  const scratch = mkdtempSync(join(tmpdir(), 'perf-bench-'));
  const packages: PackageResult[] = [];
  let failed = 0;
  try {
    for (const pkg of selected) {
      const suites: SuiteResult[] = [];
      for (const file of pkg.files) {
        const rel = relative(repo, file);
        const out = join(scratch, `${pkg.name.replace(/\W/g, '_')}-${suites.length}-${basename(file)}.json`);
        console.log(`bench: ${pkg.name} ${rel}`);
        const env = { ...process.env, PERF_BENCH_OUT: out, ...(options.grep ? { PERF_BENCH_GREP: options.grep } : {}) };
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
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { run: { schema: 1, startedAt: new Date().toISOString(), env: environment(), packages }, failed };
}

/** Re-runs one bench file of a package (the confirmation run of a suspect regression). */
export function rerunFile(pkgName: string, file: string, grep?: string): PackageResult {
  const pkg = discover().find((p) => p.name === pkgName);
  const abs = join(repo, file);
  if (!pkg?.files.includes(abs)) return { package: pkgName, suites: [] };
  return runBenchmarks([{ ...pkg, files: [abs] }], { grep }).run.packages[0] ?? { package: pkgName, suites: [] };
}
