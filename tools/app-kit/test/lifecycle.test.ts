import { deferred } from '@perf/testing';
import fastify from 'fastify';
import { expect, it } from 'vitest';
import { Lifecycle } from '../src/index.js';

it('/readyz is 503 while a dependency fails, naming it, and 200 once it answers', async () => {
  const app = fastify();
  const life = new Lifecycle();
  let up = false;
  life.requireReady({ name: 'database', check: () => (up ? Promise.resolve() : Promise.reject(new Error('refused'))) });
  life.routes(app);
  expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  const down = await app.inject('/readyz');
  expect(down.statusCode).toBe(503);
  expect(down.json()).toEqual({ status: 'unavailable', failures: { database: 'refused' } });
  up = true;
  expect((await app.inject('/readyz')).statusCode).toBe(200);
  await app.close();
});

it('shutdown lets the request in flight finish, then closes resources in reverse order; /readyz says draining', async () => {
  const app = fastify();
  const life = new Lifecycle();
  const closed: string[] = [];
  life.own({ name: 'database', close: async () => void closed.push('database') });
  life.own({ name: 'writer', close: async () => void closed.push('writer') });
  const release = deferred<void>();
  const entered = deferred<void>();
  app.get('/slow', async () => {
    entered.resolve();
    await release.promise;
    return { done: true };
  });
  life.routes(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const inFlight = fetch(`${base}/slow`);
  await entered.promise;
  const stopping = life.shutdown(app);
  expect(life.draining).toBe(true);
  expect(closed).toEqual([]);
  release.resolve();
  expect(await (await inFlight).json()).toEqual({ done: true });
  await stopping;
  expect(closed).toEqual(['writer', 'database']);
});
