// Every package README opens with an example; this runs it, so an example that
// no longer compiles or runs fails the tests instead of misleading a reader.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export interface ExampleRun {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the first ```ts (or ```js) block of `<packageDir>/README.md` with tsx, its imports of
 * the package (`@perf/x`, `@perf/x/sub`) pointed at `src/index.ts` / `src/sub.ts`.
 * The file sits in the package's node_modules so the package's own dependencies
 * resolve; it runs in an empty temporary working directory. Rejects with the
 * output when it exits non-zero.
 */
export async function runReadmeExample(packageDir: string, env: NodeJS.ProcessEnv = {}): Promise<ExampleRun> {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const code = /```(?:ts|js)\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error(`${packageDir}/README.md has no \`\`\`ts or \`\`\`js example`);
  const { name } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string };
  const escaped = name.replace(/[/]/g, '\\/');
  const source = code.replace(
    new RegExp(`from '${escaped}(/([\\w-]+))?'`, 'g'),
    (_, _sub, sub: string | undefined) => `from ${JSON.stringify(join(packageDir, 'src', `${sub ?? 'index'}.ts`))}`,
  );
  const cacheDir = join(packageDir, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `readme-example-${process.pid}-${Date.now()}.mts`);
  const cwd = mkdtempSync(join(tmpdir(), 'readme-example-'));
  writeFileSync(file, source);
  try {
    // The example runs in an empty directory, where a bare `tsx` would not resolve.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return await promisify(execFile)(process.execPath, ['--import', tsx, file], {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  } finally {
    rmSync(file, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The package directory of a test file: `packageDirOf(import.meta.url)` from `<pkg>/test/x.test.ts`. */
export function packageDirOf(testFileUrl: string): string {
  return dirname(dirname(fileURLToPath(testFileUrl)));
}
