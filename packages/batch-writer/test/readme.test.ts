import { packageDirOf, postgres, runReadmeExample } from '@perf/testing';
import { describe, expect, it } from 'vitest';

const pg = await postgres();

describe.skipIf(pg.skip)('README', () => {
  it("runs the README's example against the real PostgreSQL", async () => {
    const { stdout } = await runReadmeExample(packageDirOf(import.meta.url), { DATABASE_URL: pg.url });
    expect(stdout).toMatch(/flushed: 2\b/);
  });
});
