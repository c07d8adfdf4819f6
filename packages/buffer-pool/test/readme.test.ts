import { packageDirOf, runReadmeExample } from '@perf/testing';
import { expect, it } from 'vitest';

it("runs the README's example", async () => {
  const { stdout } = await runReadmeExample(packageDirOf(import.meta.url));
  expect(stdout).toContain('hello 204800');
  expect(stdout).toContain('2621440 true 378580');
});
