// Faults a real process meets: SIGTERM and kill -9 under load. A client that
// received a token must find its record in the database afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@perf/app-kit';
import { afterEach, expect, it } from 'vitest';
import { requestTokens, spawnServer } from './process.js';

let dataDir: string;
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function recorded(jtis: readonly string[]): Promise<Set<string>> {
  const db = await openDatabase({ dataDir: join(dataDir, 'db') });
  try {
    const { rows } = await db.query<{ jti: string }>('SELECT jti FROM issued_tokens WHERE jti = ANY($1)', [jtis]);
    return new Set(rows.map((r) => r.jti));
  } finally {
    await db.close();
  }
}

it('SIGTERM under load: the server drains and exits 0, and every token a client received has its record', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-sigterm-'));
  const server = await spawnServer(dataDir, { LOG_LEVEL: 'info' });
  const load = requestTokens(server, 3_000, 16);
  await new Promise((r) => setTimeout(r, 500));
  server.child.kill('SIGTERM');
  const jtis = await load;
  expect(await server.exited, server.output()).toBe(0);
  expect(jtis.length).toBeGreaterThan(0);
  const found = await recorded(jtis);
  expect(jtis.filter((j) => !found.has(j))).toEqual([]);
}, 120_000);

it('kill -9 under load, then a restart: the spool brings back every record a client got a token for', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-sigkill-'));
  const server = await spawnServer(dataDir);
  const load = requestTokens(server, 3_000, 16);
  await new Promise((r) => setTimeout(r, 500));
  server.child.kill('SIGKILL');
  const jtis = await load;
  expect(await server.exited).toBe('SIGKILL');
  expect(jtis.length).toBeGreaterThan(0);

  const restarted = await spawnServer(dataDir);
  restarted.child.kill('SIGTERM'); // a graceful stop writes what the spool replayed
  expect(await restarted.exited, restarted.output()).toBe(0);
  const found = await recorded(jtis);
  expect(jtis.filter((j) => !found.has(j))).toEqual([]);
}, 180_000);
