// What the workspace publishes: every package under packages/ that is not
// private, with the entry points its `exports` map offers a user.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface PublishedPackage {
  /** `@perf/cache` */
  readonly name: string;
  /** `cache`: the folder under packages/. */
  readonly folder: string;
  readonly dir: string;
  /** `@perf/cache`, `@perf/cache/redis`, … (every export but ./package.json). */
  readonly entryPoints: readonly string[];
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

interface Manifest {
  name: string;
  private?: boolean;
  exports: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

export function publishedPackages(): PublishedPackage[] {
  const packagesDir = join(repoRoot, 'packages');
  const out: PublishedPackage[] = [];
  for (const folder of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, folder);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = readManifest(dir);
    if (manifest.private) continue;
    const entryPoints = Object.keys(manifest.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    out.push({
      name: manifest.name,
      folder,
      dir,
      entryPoints,
      peerDependencies: manifest.peerDependencies ?? {},
      devDependencies: manifest.devDependencies ?? {},
    });
  }
  return out;
}
