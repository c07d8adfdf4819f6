// The README's first example, as a reader runs it (`node example.mjs`), with
// its imports of this package pointed at the sources.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { redis } from '@perf/testing';
import { describe, expect, it } from 'vitest';

const r = await redis();
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

function example(): string {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const first = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].find((block) => block[1] !== 'sh');
  if (first?.[1] !== 'js') throw new Error('the README must open with a ```js example');
  return first[2]!.replace(/from '@perf\/rate-limit(?:\/([\w-]+))?'/g, (_, sub: string | undefined) =>
    JSON.stringify(pathToFileURL(join(packageDir, 'src', `${sub ?? 'index'}.ts`)).href).replace(/^/, 'from '),
  );
}

describe.skipIf(r.skip)('README', () => {
  it('runs the first example against the real Redis and prints what the README shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rate-limit-readme-'));
    try {
      const file = join(dir, 'example.mts');
      writeFileSync(file, example());
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, file], {
        cwd: dir,
        env: { ...process.env, REDIS_URL: r.url },
        timeout: 60_000,
      });
      expect(stdout.trim().split('\n')).toEqual([
        'local true 9',
        'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=2;t=60',
        'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=1;t=60',
        'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=0;t=60',
        'false redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=0;t=60 | Retry-After: 60',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
