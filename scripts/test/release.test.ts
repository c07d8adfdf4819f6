import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plannedReleases, releaseBlockers } from '../release.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('pnpm release refuses to publish', () => {
  let repo: string;
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'perf-release-'));
    mkdirSync(join(repo, '.changeset'));
    writeFileSync(join(repo, '.changeset', 'README.md'), '# Changesets\n');
    git('init', '--quiet');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'init');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('nothing from a clean checkout with no pending changeset', () => {
    expect(releaseBlockers(repo, process.env)).toEqual([]);
  });

  it('from a working tree with uncommitted changes', () => {
    writeFileSync(join(repo, 'stray.txt'), 'x');
    expect(releaseBlockers(repo, process.env)).toEqual([expect.stringMatching(/uncommitted changes/)]);
  });

  it('while changesets are pending (they must be versioned and committed first)', () => {
    writeFileSync(join(repo, '.changeset', 'x.md'), '---\n"@perf/x": minor\n---\n\nx\n');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'changeset');
    expect(releaseBlockers(repo, process.env)).toEqual([
      expect.stringMatching(/1 changeset\(s\) are pending: run `pnpm version-packages`/),
    ]);
  });
});

it("a package's first release is 0.1.0: every unreleased package has a minor changeset pending (never 0.0.1, never 1.0.0)", () => {
  const unreleased = plannedReleases(root, process.env).filter((p) => p.from === '0.0.0');
  expect(unreleased.length).toBeGreaterThan(0);
  for (const p of unreleased) expect({ name: p.name, to: p.to }).toEqual({ name: p.name, to: '0.1.0' });
});
