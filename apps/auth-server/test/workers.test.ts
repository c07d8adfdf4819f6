// WORKERS=n: one primary, n worker processes on one port and one PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePrometheusText, postgres, tempDatabase } from '@perf/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { requestTokens, spawnServer } from './process.js';

const server = await postgres();

describe.skipIf(server.skip)('WORKERS=2 on a PostgreSQL server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-workers-'));
  let db: Awaited<ReturnType<typeof tempDatabase>> | undefined;
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  it('serves from both workers, sums their /metrics, replaces a killed worker, drains all on SIGTERM', async () => {
    db = await tempDatabase(server.url, 'auth_workers');
    const app = await spawnServer(dataDir, { WORKERS: '2', DATABASE_URL: db.url });
    const first = requestTokens(app, 400, 8);
    const jtis = await first.done;
    expect(jtis).toHaveLength(400);

    const scrape = async () => {
      const families = parsePrometheusText(await (await fetch(`${app.base}/metrics`)).text());
      const issued = families
        .find((f) => f.name === 'auth_token_requests_total')
        ?.metrics.find((m) => m.labels?.outcome === 'issued');
      return Number(issued?.value);
    };
    expect(await scrape()).toBe(400); // whichever worker answers, the count is both workers'

    // kill one worker: the primary starts another in its slot, and the service goes on
    const workers = await workerPids(app.child.pid as number);
    expect(workers).toHaveLength(2);
    process.kill(workers[0] as number, 'SIGKILL');
    const second = requestTokens(app, 200, 4);
    jtis.push(...(await second.done));
    await expect.poll(async () => (await workerPids(app.child.pid as number)).length, { timeout: 20_000 }).toBe(2);

    app.child.kill('SIGTERM');
    expect(await app.exited, app.output()).toBe(0);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT count(*)::int AS n FROM issued_tokens WHERE jti = ANY($1)', [jtis]);
      expect(rows[0].n).toBe(jtis.length);
    } finally {
      await c.end();
    }
  }, 120_000);
});

/** The pids of a process's children (the cluster workers). */
async function workerPids(parent: number): Promise<number[]> {
  const { readFileSync, readdirSync } = await import('node:fs');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}
