// The fastify plugin and the node:http helper, with a real HTTP client
// (Node's fetch) against servers on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from '@perf/testing';
import Fastify from 'fastify';
import { afterAll, describe, expect, test } from 'vitest';
import { rateLimit } from '../src/fastify.js';
import { httpRateLimit, QUOTA_EXCEEDED, RateLimiter } from '../src/index.js';
import { RedisRateLimiter } from '../src/redis.js';

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function fastifyApp(register: Parameters<typeof rateLimit>[1]): Promise<string> {
  const app = Fastify();
  await app.register(rateLimit, register);
  app.get('/hello', async () => ({ hello: 'world' }));
  app.get('/healthz', async () => 'ok');
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return url;
}

describe('fastify plugin', () => {
  test('sets the headers, refuses the third call with 429 problem details and Retry-After', async () => {
    const limiter = new RateLimiter({ name: 'api', algorithm: 'fixed-window', limit: 2, windowMs: 60_000 });
    const url = await fastifyApp({ limiter });
    const first = await fetch(`${url}/hello`);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"api";q=2;w=60');
    expect(first.headers.get('ratelimit')).toBe('"api";r=1;t=60');
    expect(await first.json()).toEqual({ hello: 'world' });
    expect((await fetch(`${url}/hello`)).status).toBe(200);
    const refused = await fetch(`${url}/hello`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit')).toBe('"api";r=0;t=60');
    expect(await refused.json()).toMatchObject({ type: QUOTA_EXCEEDED, status: 429, 'violated-policies': ['api'] });
  });

  test('keys from a function, skip and cost', async () => {
    const limiter = new RateLimiter({ name: 'per-client', algorithm: 'fixed-window', limit: 3, windowMs: 60_000 });
    const url = await fastifyApp({
      limiter,
      key: (request) => String(request.headers['x-client-id']),
      cost: (request) => (request.headers['x-heavy'] ? 3 : 1),
      skip: (request) => request.url === '/healthz',
    });
    const call = (client: string, heavy = false) =>
      fetch(`${url}/hello`, { headers: { 'x-client-id': client, ...(heavy ? { 'x-heavy': '1' } : {}) } });
    expect((await call('a', true)).status).toBe(200);
    expect((await call('a')).status).toBe(429);
    expect((await call('b')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(limiter.stats()).toMatchObject({ allowed: 2, rejected: 1 });
  });

  test('Redis down under fail-closed: 503 with Retry-After, not 429', async () => {
    const limiter = new RedisRateLimiter({
      redis: `redis://127.0.0.1:${await closedPort()}`,
      limit: 10,
      windowMs: 1000,
      onRedisDown: 'fail-closed',
      timeoutMs: 50,
    });
    closers.push(() => limiter.close());
    const url = await fastifyApp({ limiter });
    const response = await fetch(`${url}/hello`);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limiter.stats()).toMatchObject({ failClosed: 1, rejected: 1 });
  });
});

describe('node:http helper', () => {
  test('lets allowed requests through and answers refusals itself', async () => {
    const limiter = new RateLimiter({ name: 'plain', algorithm: 'gcra', limit: 1, windowMs: 1000 });
    const limit = httpRateLimit({ limiter });
    const server: Server = createServer(async (request, response) => {
      if (!(await limit(request, response))) return;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const ok = await fetch(url);
    expect(await ok.text()).toBe('ok');
    expect(ok.headers.get('ratelimit')).toBe('"plain";r=0;t=1');
    const refused = await fetch(url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(limiter.stats()).toMatchObject({ size: 1 }); // keyed by 127.0.0.1
  });
});
