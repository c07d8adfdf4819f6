import { packageDirOf, redis, runReadmeExample } from '@perf/testing';
import { describe, expect, it } from 'vitest';

const r = await redis();

describe.skipIf(r.skip)('README', () => {
  it("runs the README's first example against the real Redis and prints what the README shows", async () => {
    const { stdout } = await runReadmeExample(packageDirOf(import.meta.url), { REDIS_URL: r.url });
    expect(stdout.trim().split('\n')).toEqual([
      'local true 9',
      'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=2;t=60',
      'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=1;t=60',
      'true redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=0;t=60',
      'false redis RateLimit-Policy: "login";q=3;w=60 | RateLimit: "login";r=0;t=60 | Retry-After: 60',
    ]);
  });
});
