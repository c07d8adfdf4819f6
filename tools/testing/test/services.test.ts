import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closedPort } from '../src/ports.js';

async function freshModule() {
  vi.resetModules();
  return import('../src/services.js');
}

describe('test-services', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('skips with a one-line reason when the service is unreachable', async () => {
    const port = await closedPort();
    vi.stubEnv('DATABASE_URL', `postgres://postgres@127.0.0.1:${port}/test`);
    vi.stubEnv('PERF_REQUIRE_SERVICES', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { postgres } = await freshModule();
    const pg = await postgres();
    expect(pg.skip).toMatch(new RegExp(`^postgres unreachable at 127\\.0\\.0\\.1:${port} .*set DATABASE_URL`));
    expect(pg.skip).not.toContain('\n');
    expect(warn).toHaveBeenCalledWith(`skipped: ${pg.skip}`);
  });

  it('fails instead when PERF_REQUIRE_SERVICES=1', async () => {
    const port = await closedPort();
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${port}`);
    vi.stubEnv('PERF_REQUIRE_SERVICES', '1');
    const { redis } = await freshModule();
    await expect(redis()).rejects.toThrow(/PERF_REQUIRE_SERVICES=1 but redis unreachable/);
  });

  it('runs against a reachable server', async () => {
    const server = createServer((s) => s.end()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${port}`);
    try {
      const { redis } = await freshModule();
      expect(await redis()).toEqual({ url: `redis://127.0.0.1:${port}`, skip: false });
    } finally {
      server.close();
    }
  });
});
