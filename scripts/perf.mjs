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

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  if (result.status !== 0) process.exit(result.status ?? 1);
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
  if (installedPnpm() !== pnpmVersion || !existsSync(join(root, 'node_modules', '.modules.yaml'))) {
    fail('dependencies are not installed: run `npm test` (installs and tests) or `npm start` once first.');
  }
}

const turbo = (...args) => run('turbo', ['run', ...args, '--output-logs=errors-only']);

const tasks = {
  // The main job: for now the benchmark suite with its ours-vs-peer table.
  start: () => {
    install();
    turbo('build');
    run('pnpm', ['--filter', '@perf/bench', 'run', 'bench', ...process.argv.slice(3)]);
  },
  test: () => {
    install();
    turbo('build', 'typecheck');
    run('biome', ['check', '.']);
    run('node', ['scripts/check-packages.mjs']);
    run('vitest', ['run', ...process.argv.slice(3)]);
  },
  build: () => {
    requireInstalled();
    turbo('build');
  },
  typecheck: () => {
    requireInstalled();
    turbo('typecheck');
  },
  lint: () => {
    requireInstalled();
    run('biome', ['check', '.', ...process.argv.slice(3)]);
  },
  bench: () => {
    requireInstalled();
    turbo('build');
    run('pnpm', ['--filter', '@perf/bench', 'run', 'bench', ...process.argv.slice(3)]);
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
