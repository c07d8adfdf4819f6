// Faults a real process meets: SIGTERM and kill -9 under load. A client that
// received a token must find its record in the database afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  const server = await spawnServer(dataDir);
  const load = requestTokens(server, 3_000, 16);
  await load.received(100); // under load: past the first secret verifications
  server.child.kill('SIGTERM');
  const jtis = await load.done;
  expect(await server.exited, server.output()).toBe(0);
  expect(jtis.length).toBeGreaterThan(0);
  const found = await recorded(jtis);
  expect(jtis.filter((j) => !found.has(j))).toEqual([]);
}, 120_000);

it('kill -9 under load, then a restart: the spool brings back every record a client got a token for', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-sigkill-'));
  const server = await spawnServer(dataDir);
  const load = requestTokens(server, 3_000, 16);
  await load.received(100);
  server.child.kill('SIGKILL');
  const jtis = await load.done;
  expect(await server.exited).toBe('SIGKILL');
  expect(jtis.length).toBeGreaterThan(0);

  const restarted = await spawnServer(dataDir);
  restarted.child.kill('SIGTERM'); // a graceful stop writes what the spool replayed
  expect(await restarted.exited, restarted.output()).toBe(0);
  const found = await recorded(jtis);
  expect(jtis.filter((j) => !found.has(j))).toEqual([]);
}, 180_000);

it('a bad configuration: the process exits 1 at start, naming every wrong variable and nothing else', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-config-'));
  const main = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');
  const run = spawnSync(process.execPath, [main], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: 'eighty', WORKERS: '4', SIGNING_ALG: 'HS256', DATABASE_URL: '' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'auth-server: invalid configuration',
    '  PORT: got "eighty"; set an integer from 0 to 65535',
    '  WORKERS: more than one worker needs DATABASE_URL: the embedded database serves one process',
    '  SIGNING_ALG: got "HS256"; set one of ES256, EdDSA',
  ]);
});
