// The database going away under a running server: issuance goes on from the
// client cache, the breaker opens, records wait in the writer (and its spool),
// and they are all written once the database is back.
import { postgres, tempDatabase } from '@perf/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, postForm, type Running, startAuthServer } from './helpers.js';

const server = await postgres();
const secret = 'the-secret-of-the-outage-client!';

describe.skipIf(server.skip)('the database goes away and comes back (a real PostgreSQL refusing connections)', () => {
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let running: Running;
  const name = () => new URL(db.url).pathname.slice(1);
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    db = await tempDatabase(server.url, 'auth_outage');
    running = await startAuthServer({ DATABASE_URL: db.url });
    await running.putClient('outage-app', { secret, scopes: ['read'], audiences: ['https://api.example'] });
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS true`).catch(() => {});
    await running?.stop();
    await db?.drop();
  });

  const token = async () => {
    const res = await postForm(running.base, '/oauth/token', 'outage-app', secret);
    expect(res.status).toBe(200);
    return claimsOf(((await res.json()) as { access_token: string }).access_token).jti as string;
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${running.base}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };

  it('tokens keep coming from the cached client, the breaker opens, and every record is written after', async () => {
    const jtis = [await token()]; // the client is in the cache now
    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name()}'`);

    for (let i = 0; i < 50; i++) jtis.push(await token());
    expect((await fetch(`${running.base}/readyz`)).status).toBe(503);
    await expect.poll(() => metric('auth_database_breaker_open'), { timeout: 15_000, interval: 100 }).toBe(1);
    expect(await metric('auth_token_records_pending')).toBeGreaterThan(0);

    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS true`);
    await expect.poll(() => metric('auth_token_records_pending'), { timeout: 30_000, interval: 200 }).toBe(0);
    const { rows } = await running.server.db.query<{ jti: string }>(
      'SELECT jti FROM issued_tokens WHERE jti = ANY($1)',
      [jtis],
    );
    expect(rows.length).toBe(jtis.length);
    expect((await fetch(`${running.base}/readyz`)).status).toBe(200);
  }, 60_000);
});
