#!/usr/bin/env node
// The one entry point behind every root script. It keeps the promise of the
// README: on a machine with only Node and npm, `npm start` and `npm test` install
// what they need (a pinned pnpm, then the workspace) and run. Every other root
// script checks the same preconditions and fails fast with one line saying what
// to do.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_NODE = 20;

function fail(line) {
  console.error(`perf: ${line}`);
  process.exit(1);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_NODE) {
  fail(`Node ${process.versions.node} is too old: install Node ${MIN_NODE} or newer and run the command again.`);
}

const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager; // "pnpm@X"
const pnpmVersion = pinned.split('@')[1];
const toolsDir = join(root, '.tools');
const toolsBin = join(toolsDir, 'node_modules', '.bin');
const env = {
  ...process.env,
  PATH: [toolsBin, join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  // turbo's anonymous telemetry would try to reach the network.
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

/** Runs a command and returns its exit status (failing fast only when it cannot start). */
function runStatus(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

function run(cmd, args, opts = {}) {
  const status = runStatus(cmd, args, opts);
  if (status !== 0) process.exit(status);
}

function installedPnpm() {
  const pkg = join(toolsDir, 'node_modules', 'pnpm', 'package.json');
  return existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : undefined;
}

/** Installs the pinned pnpm into .tools/ (no global install, no corepack), then the workspace. */
function install() {
  if (installedPnpm() !== pnpmVersion) {
    console.log(`perf: installing pnpm ${pnpmVersion} into .tools/`);
    run('npm', ['install', '--prefix', toolsDir, '--no-save', '--no-audit', '--no-fund', `pnpm@${pnpmVersion}`]);
  }
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
}

function requireInstalled() {
  // Installed by `npm test`/`npm start` (pnpm in .tools/) or by the user's own `pnpm install`.
  if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
    fail('dependencies are not installed: run `npm test` (installs and tests) or `npm start` once first.');
  }
}

const turbo = (...args) => run('turbo', ['run', ...args, '--output-logs=errors-only']);
const benchCli = (command, args) => runStatus('pnpm', ['--filter', '@perf/bench', 'run', command, ...args]);

/**
 * Installs a Debian package that some tests need when `path` is missing and
 * we can (root with apt-get); otherwise says in one line what will skip (or
 * fail under PERF_REQUIRE_SERVICES=1).
 */
function ensureDebianPackage(path, pkg, needed) {
  if (existsSync(path)) return;
  const apt =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!apt) {
    console.log(
      `perf: ${path} is missing and cannot be installed here (needs root and apt-get): ${needed} will skip (fail under PERF_REQUIRE_SERVICES=1); install Debian's ${pkg} to run it.`,
    );
    return;
  }
  console.log(`perf: installing Debian's ${pkg} for ${needed}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit', env: aptEnv }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env: aptEnv }); // a fresh machine has no package lists yet
    install();
  }
  if (!existsSync(path))
    console.log(`perf: ${pkg} could not be installed: ${needed} will skip (fail under PERF_REQUIRE_SERVICES=1).`);
}

/** The dashboard's browser test needs Debian's Chromium. */
const ensureChromium = () => ensureDebianPackage('/usr/bin/chromium', 'chromium', 'the dashboard browser test');

/** The cache's hit-ratio suite and its test replay traces through Caffeine itself (Debian's Caffeine 2.6.2). */
const ensureCaffeine = () =>
  ensureDebianPackage('/usr/share/java/caffeine.jar', 'libcaffeine-java', "the cache's Caffeine hit-ratio column");

/** `npm start -- --serve [--port N]`: those flags go to the report, the rest to the benchmarks. */
function splitServeArgs(args) {
  const bench = [];
  const report = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--serve') report.push('--serve');
    else if (args[i] === '--port') report.push('--port', args[++i]);
    else bench.push(args[i]);
  }
  return { bench, report };
}

const tasks = {
  // The main job: the benchmark suite with its ours-vs-peer table, then the
  // dashboard (rendered even when a bench file failed, to show what was measured).
  start: () => {
    install();
    turbo('build');
    const { bench, report } = splitServeArgs(process.argv.slice(3));
    const status = benchCli('bench', bench);
    const reported = benchCli('report', report);
    process.exit(status || reported);
  },
  test: () => {
    install();
    turbo('build', 'typecheck');
    run('tsc', ['-p', 'scripts/tsconfig.json']); // the root scripts' own tests belong to no package
    run('biome', ['check', '.']);
    run('node', ['scripts/check-packages.mjs']);
    ensureChromium();
    ensureCaffeine();
    run('vitest', ['run', ...process.argv.slice(3)]);
  },
  build: () => {
    requireInstalled();
    turbo('build');
  },
  typecheck: () => {
    requireInstalled();
    turbo('typecheck');
    run('tsc', ['-p', 'scripts/tsconfig.json']);
  },
  lint: () => {
    requireInstalled();
    run('biome', ['check', '.', ...process.argv.slice(3)]);
  },
  bench: () => {
    requireInstalled();
    turbo('build');
    process.exit(benchCli('bench', process.argv.slice(3)));
  },
  'bench:baseline': () => {
    requireInstalled();
    turbo('build');
    process.exit(benchCli('baseline', process.argv.slice(3)));
  },
  // Exit 1 on a confirmed regression, 2 when the input cannot be compared: a CI gate.
  'bench:compare': () => {
    requireInstalled();
    turbo('build');
    process.exit(benchCli('compare', process.argv.slice(3)));
  },
  'bench:report': () => {
    requireInstalled();
    process.exit(benchCli('report', process.argv.slice(3)));
  },
  changeset: () => {
    requireInstalled();
    run('changeset', process.argv.slice(3));
  },
  'version-packages': () => {
    requireInstalled();
    run('changeset', ['version']);
  },
  'release:dry': () => {
    requireInstalled();
    turbo('build');
    run('pnpm', ['-r', '--filter', './packages/*', 'publish', '--dry-run', '--no-git-checks']);
  },
};

const task = tasks[process.argv[2]];
if (!task) fail(`unknown task "${process.argv[2]}": use one of ${Object.keys(tasks).join(', ')}.`);
task();
