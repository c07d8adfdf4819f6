#!/usr/bin/env node
// The one entry point behind every root script. It keeps the promise of the
// README: on a machine with only Node and npm, `npm start` and `npm test` install
// what they need (a pinned pnpm, then the workspace) and run. Every other root
// script checks the same preconditions and fails fast with one line saying what
// to do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDeployment, stopDeployment } from './deployment.mjs';
import { describeRelease, plannedReleases, releaseBlockers } from './release.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function fail(line) {
  console.error(`perf: ${line}`);
  process.exit(1);
}

// The packages' own floor (their `engines`): the first Node 20 and 22 releases
// whose require() loads an ES module, which the ESM-only packages rely on.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || major === 21 || (major === 22 && minor < 12)) {
  fail(`Node ${process.versions.node} is too old: install Node 20.19+, 22.12+ or newer and run the command again.`);
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

/** What `npm test` runs once installed, and `pnpm release` before it publishes. */
function checkEverything(vitestArgs = []) {
  turbo('build', 'typecheck');
  run('tsc', ['-p', 'scripts/tsconfig.json']); // the root scripts' own tests belong to no package
  run('biome', ['check', '.']);
  run('node', ['scripts/check-packages.mjs']);
  ensureChromium();
  ensureCaffeine();
  run('vitest', ['run', ...vitestArgs]); // includes tools/consumer: the packed packages used outside the workspace
}

/**
 * The dry run packs exactly what a release of HEAD would publish: in a
 * throwaway worktree of HEAD the pending changesets are applied, the packages
 * built and `pnpm publish --dry-run` lists each tarball.
 */
function releaseDryRun() {
  console.log('perf: the pending changesets would release:');
  for (const line of describeRelease(plannedReleases(root, env))) console.log(`  ${line}`);
  const dir = join(mkdtempSync(join(tmpdir(), 'perf-release-dry-')), 'repo');
  run('git', ['worktree', 'add', '--detach', '--quiet', dir, 'HEAD']);
  let status = 1;
  try {
    const steps = [
      ['pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--silent']],
      ['changeset', ['version']],
      ['turbo', ['run', 'build', '--output-logs=errors-only']],
      ['pnpm', ['-r', '--filter', './packages/*', 'publish', '--dry-run', '--no-git-checks', '--access', 'public']],
    ];
    for (const [cmd, args] of steps) {
      status = runStatus(cmd, args, { cwd: dir });
      if (status !== 0) break;
    }
  } finally {
    runStatus('git', ['worktree', 'remove', '--force', dir]);
  }
  for (const blocker of releaseBlockers(root, env)) console.log(`perf: before \`pnpm release\`: ${blocker}`);
  process.exit(status);
}

const tasks = {
  // The main job: the reference deployment, every app on embedded defaults,
  // until Ctrl-C or SIGTERM (which drain each app before it exits).
  start: async () => {
    install();
    turbo('build');
    let running = [];
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('perf: stopping the deployment (each app drains first)');
      process.exit(await stopDeployment(running));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      running = await startDeployment({ root });
    } catch (error) {
      console.error(`perf: ${error.message}`);
      await stopDeployment(running);
      process.exit(1);
    }
    console.log(
      [
        '',
        'perf: the reference deployment is up (data in data/; Ctrl-C stops it):',
        ...running.map((app) => `  ${app.name.padEnd(12)} ${app.url}`),
        'perf: benchmarks: `npm run bench`, then `npm run bench:report` for the dashboard',
      ].join('\n'),
    );
    for (const app of running) {
      app.exited.then((code) => {
        if (!stopping) {
          console.error(`perf: ${app.name} exited with code ${code}; stopping the rest`);
          stop();
        }
      });
    }
  },
  test: () => {
    install();
    checkEverything(process.argv.slice(3));
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
  // Installs like `npm start`, so a new user can run the benchmarks first.
  bench: () => {
    install();
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
    releaseDryRun();
  },
  // Publishes a clean, versioned checkout after every check passed, with npm
  // provenance (from a CI with an OIDC token, e.g. GitHub Actions with `id-token: write`).
  release: () => {
    requireInstalled();
    const blockers = releaseBlockers(root, env);
    if (blockers.length > 0) {
      for (const blocker of blockers) console.error(`perf: refusing to release: ${blocker}`);
      process.exit(1);
    }
    checkEverything();
    run('pnpm', ['-r', '--filter', './packages/*', 'publish', '--access', 'public', '--provenance']);
    run('changeset', ['tag']);
    console.log('perf: published; push the new tags with `git push --follow-tags`');
  },
};

const task = tasks[process.argv[2]];
if (!task) fail(`unknown task "${process.argv[2]}": use one of ${Object.keys(tasks).join(', ')}.`);
task();
