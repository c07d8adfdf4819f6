import { packageDirOf, runReadmeExample } from '@perf/testing';
import { expect, it } from 'vitest';

it("runs the README's example (Docker is absent: connections to a closed loopback port are refused)", async () => {
  const { stdout } = await runReadmeExample(packageDirOf(import.meta.url), { DOCKER_URL: 'http://127.0.0.1:9' });
  expect(stdout).toContain('docker circuit: closed -> open');
});
