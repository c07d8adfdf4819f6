// A project outside the workspace that installs the packed tarballs with npm,
// as a user's project would: nothing in it can reach the workspace's sources,
// its node_modules or its TypeScript settings.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type PublishedPackage, readManifest, repoRoot } from './workspace.js';

const execFileAsync = promisify(execFile);

/** execFile whose rejection message carries the command's output, so a failing test shows why. */
async function exec(cmd: string, args: readonly string[], options: Parameters<typeof execFileAsync>[2]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { ...options, encoding: 'utf8' });
    return { stdout: String(stdout), stderr: String(stderr) };
  } catch (error) {
    const { stdout, stderr, code, signal } = error as {
      stdout?: string;
      stderr?: string;
      code?: unknown;
      signal?: unknown;
    };
    const first = (error as Error).message.split('\n')[0];
    throw new Error(`${first} (exit code ${String(code)}, signal ${String(signal)})\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
}

export interface ConsumerProject {
  readonly dir: string;
  /** Writes a file into the project. */
  write(name: string, content: string): string;
  /** Runs `node <file>` in the project with the running test's Node; rejects with the output on a non-zero exit. */
  node(file: string, env?: NodeJS.ProcessEnv): Promise<Run>;
  /** Runs one of the project's TypeScript compilers (`typescript` or `typescript-5.8`). */
  tsc(compiler: string, args: readonly string[]): Promise<Run>;
  remove(): void;
}

/** The pinned pnpm the root scripts install into .tools/, else the one on PATH. */
function pnpm(): { cmd: string; args: string[] } {
  const local = join(repoRoot, '.tools', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  return existsSync(local) ? { cmd: process.execPath, args: [local] } : { cmd: 'pnpm', args: [] };
}

/** `pnpm pack` (what `pnpm publish` uploads) of each package into `dest`; returns the tarball paths. */
async function pack(packages: readonly PublishedPackage[], dest: string): Promise<Map<string, string>> {
  const { cmd, args } = pnpm();
  const tarballs = new Map<string, string>();
  for (const p of packages) {
    const before = new Set(readdirSync(dest));
    await exec(cmd, [...args, 'pack', '--pack-destination', dest], { cwd: p.dir });
    const made = readdirSync(dest).find((f) => !before.has(f));
    if (made === undefined) throw new Error(`pnpm pack made no tarball for ${p.name}`);
    tarballs.set(p.name, join(dest, made));
  }
  return tarballs;
}

/**
 * Packs every package and installs the tarballs with npm into a new project in
 * the system's temporary folder, with the optional peers the subpaths need
 * (at the versions the packages test against) and two TypeScript compilers for
 * the type checks: the workspace's and 5.8, the oldest the README promises.
 */
export async function createConsumerProject(packages: readonly PublishedPackage[]): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'perf-consumer-'));
  const tarballDir = join(dir, 'tarballs');
  mkdirSync(tarballDir);
  const tarballs = await pack(packages, tarballDir);
  const root = readManifest(repoRoot) as unknown as { devDependencies: Record<string, string> };
  const dependencies: Record<string, string> = {
    typescript: root.devDependencies.typescript as string,
    // The oldest TypeScript whose nodenext lets CommonJS require() an ES module.
    'typescript-5.8': 'npm:typescript@~5.8.3',
    '@types/node': root.devDependencies['@types/node'] as string,
  };
  for (const p of packages) {
    dependencies[p.name] = `file:${tarballs.get(p.name)}`;
    for (const peer of Object.keys(p.peerDependencies)) {
      const tested = p.devDependencies[peer];
      if (tested !== undefined) dependencies[peer] = tested;
    }
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2));
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], {
    cwd: dir,
    timeout: 240_000,
  });
  return {
    dir,
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    node(file, env = {}) {
      return exec(process.execPath, [file], {
        cwd: dir,
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
    },
    tsc(compiler, args) {
      return exec(process.execPath, [join(dir, 'node_modules', compiler, 'bin', 'tsc'), ...args], {
        cwd: dir,
        timeout: 120_000,
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
