// Releasing the packages: `pnpm release:dry` shows what would go out, `pnpm
// release` publishes it. The versions come from the pending changesets; see
// CONTRIBUTING.md for the whole flow.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {{ name: string, version: string, private?: boolean }} Manifest
 * @typedef {{ name: string, from: string, to: string, bump: string, changesets: string[] }} PlannedRelease
 * @typedef {{ name: string, type: string, newVersion: string, changesets: string[] }} ChangesetRelease
 */

/**
 * The publishable packages: packages/* that are not private.
 * @param {string} root
 * @returns {{ folder: string, manifest: Manifest }[]}
 */
export function publishablePackages(root) {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((folder) => existsSync(join(dir, folder, 'package.json')))
    .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(dir, folder, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private);
}

/**
 * The changeset files waiting to be applied by `pnpm version-packages`.
 * @param {string} root
 */
export function pendingChangesets(root) {
  return readdirSync(join(root, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
}

/**
 * What `changeset version` would do: for each package, its version now and
 * after, with the bump and the changesets behind it. Packages without a
 * changeset keep their version.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @returns {PlannedRelease[]}
 */
export function plannedReleases(root, env) {
  const out = join(mkdtempSync(join(tmpdir(), 'perf-release-')), 'status.json');
  try {
    const r = spawnSync('changeset', ['status', '--output', out], { cwd: root, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`changeset status failed:\n${r.stdout}${r.stderr}`);
    /** @type {ChangesetRelease[]} */
    const releases = JSON.parse(readFileSync(out, 'utf8')).releases;
    const byName = new Map(releases.map((rel) => [rel.name, rel]));
    return publishablePackages(root).map(({ manifest }) => {
      const rel = byName.get(manifest.name);
      return {
        name: manifest.name,
        from: manifest.version,
        to: rel?.newVersion ?? manifest.version,
        bump: rel?.type ?? 'none',
        changesets: rel?.changesets ?? [],
      };
    });
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

/**
 * Why `pnpm release` must not publish from this checkout now; empty when it may.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 */
export function releaseBlockers(root, env) {
  /** @type {string[]} */
  const blockers = [];
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: root, env, encoding: 'utf8' });
  if (status.status !== 0) blockers.push(`git status failed: ${status.stderr.trim()}`);
  else if (status.stdout.trim() !== '') {
    blockers.push('the working tree has uncommitted changes: commit or stash them, so what is published is a commit');
  }
  const pending = pendingChangesets(root);
  if (pending.length > 0) {
    blockers.push(
      `${pending.length} changeset(s) are pending: run \`pnpm version-packages\`, review and commit the versions and CHANGELOGs, then release`,
    );
  }
  return blockers;
}

/**
 * One line per package: its version now and after the release.
 * @param {PlannedRelease[]} plan
 */
export function describeRelease(plan) {
  const width = Math.max(...plan.map((p) => p.name.length));
  return plan.map((p) => {
    const change = p.bump === 'none' ? `${p.from} (no changeset: unchanged)` : `${p.from} → ${p.to} (${p.bump})`;
    return `${p.name.padEnd(width)}  ${change}`;
  });
}
