import { packageDirOf, runReadmeExample } from '@perf/testing';
import { expect, it } from 'vitest';

it("runs the README's example", async () => {
  const { stdout } = await runReadmeExample(packageDirOf(import.meta.url));
  expect(stdout).toMatch(/^process_cpu_seconds_total \d/m);
});
