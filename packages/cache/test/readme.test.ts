import { packageDirOf, redis, runReadmeExample } from '@perf/testing';
import { describe, expect, it } from 'vitest';

const r = await redis();

describe.skipIf(r.skip)('README', () => {
  it("runs the README's example against the real Redis", async () => {
    const { stdout } = await runReadmeExample(packageDirOf(import.meta.url), { REDIS_URL: r.url });
    expect(stdout).toContain("{ id: 'client:42', scopes: [ 'read' ] } 1");
  });
});
