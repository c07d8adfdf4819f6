import { packageDirOf, runReadmeExample } from '@perf/testing';
import { expect, it } from 'vitest';

it("runs the README's example", async () => {
  const { stdout } = await runReadmeExample(packageDirOf(import.meta.url));
  expect(stdout).toContain('alice\nalice\nPERF_JWT_CACHE_REVOKED\n');
});
