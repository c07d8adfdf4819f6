import { closedPort, packageDirOf, runReadmeExample } from '@perf/testing';
import { expect, it } from 'vitest';

it("runs the README's example (Docker is absent: connections to a closed loopback port are refused)", async () => {
  const dockerUrl = `http://127.0.0.1:${await closedPort()}`;
  const { stdout } = await runReadmeExample(packageDirOf(import.meta.url), { DOCKER_URL: dockerUrl });
  expect(stdout).toContain('docker circuit: closed -> open');
});
