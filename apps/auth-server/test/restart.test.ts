// The embedded defaults keep everything across a restart: clients, the
// signing key, issued-token records and revocations.
import { afterAll, expect, it } from 'vitest';
import { type Running, startAuthServer } from './helpers.js';

const secret = 'the-secret-of-the-restart-client!';
const headers = {
  authorization: `Basic ${Buffer.from(`keeper:${secret}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};
let running: Running | undefined;
afterAll(() => running?.stop());

it('a restart on the same data folder keeps clients, key, token records and revocations', async () => {
  const first = await startAuthServer();
  await first.putClient('keeper', { secret, scopes: ['read'], audiences: ['https://api.example'] });
  const issue = async (base: string) =>
    (
      (await (
        await fetch(`${base}/oauth/token`, { method: 'POST', headers, body: 'grant_type=client_credentials' })
      ).json()) as { access_token: string }
    ).access_token;
  const kept = await issue(first.base);
  const revoked = await issue(first.base);
  await fetch(`${first.base}/oauth/revoke`, { method: 'POST', headers, body: `token=${revoked}` });
  const kidBefore = JSON.parse(Buffer.from(kept.split('.')[0] as string, 'base64url').toString()).kid;
  await first.stop({ keepData: true });

  running = await startAuthServer({ PORT: new URL(first.base).port }, first.dataDir);
  const introspect = async (t: string) =>
    (
      (await (
        await fetch(`${running?.base}/oauth/introspect`, { method: 'POST', headers, body: `token=${t}` })
      ).json()) as { active: boolean }
    ).active;
  expect(await introspect(kept)).toBe(true);
  expect(await introspect(revoked)).toBe(false);
  const again = await issue(running.base);
  expect(JSON.parse(Buffer.from(again.split('.')[0] as string, 'base64url').toString()).kid).toBe(kidBefore);
  const records = await running.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM issued_tokens');
  expect(records.rows[0]?.n).toBeGreaterThanOrEqual(2);
});
