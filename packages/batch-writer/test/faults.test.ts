// The fault tests of the issue, on the real PostgreSQL: a backend killed
// mid-batch, SIGTERM of a writer process mid-stream, kill -9 with the spool.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgres } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../src/index.js';
import { postgresSink } from '../src/postgres.js';
import { closeInsertGate, type Event, eventColumns, eventRow, eventTables, testPool, uniqueName } from './pg.js';

const service = await postgres();
const fixture = fileURLToPath(new URL('./fixtures/streamWriter.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  /** Resolves with the highest "acked" once the output reaches `threshold`. */
  readonly reached: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly lines: string[];
}

function startWriter(args: string[], threshold: number): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let buffered = '';
  let resolveReached!: (n: number) => void;
  const reached = new Promise<number>((resolve) => {
    resolveReached = resolve;
  });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (line.startsWith('acked ') && Number(line.slice(6)) >= threshold) resolveReached(Number(line.slice(6)));
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, reached, exited, lines };
}

const lastAcked = (lines: readonly string[]) =>
  Math.max(0, ...lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice(6))));

describe.skipIf(service.skip)('faults on a real PostgreSQL', () => {
  const { pool, table } = eventTables(service.url, 'bw_fault');

  /** Rows with id below `n`, and whether each of them is there exactly once. */
  async function present(name: string, n: number): Promise<{ rows: number; distinct: number }> {
    const { rows } = await pool.query<{ rows: string; distinct: string }>(
      `SELECT count(*) AS rows, count(DISTINCT id) AS distinct FROM ${name} WHERE id < $1`,
      [n],
    );
    return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
  }

  it('pg_terminate_backend mid-batch: the batch is retried, 0 rows lost, 0 duplicated', async () => {
    const name = await table();
    const app = uniqueName('bw_victim');
    // Each INSERT waits at the gate, so the test can kill the backend while it is inside the batch's statement.
    const gate = await closeInsertGate(pool, name);
    const victimPool = testPool(service.url, app);
    try {
      const writer = new BatchWriter<Event>({
        flush: postgresSink({
          pool: victimPool,
          table: name,
          columns: eventColumns,
          row: eventRow,
          idempotencyKey: 'id',
        }),
        maxBatchSize: 1000,
        concurrency: 2,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
      });
      const writes = Array.from({ length: 5000 }, (_, id) => writer.write({ id, n: id, body: 'b' }));
      await gate.terminateWaiting(app, 3);
      await gate.open();
      await Promise.all(writes);
      await writer.close();
      expect(writer.stats().retries).toBeGreaterThanOrEqual(3);
      expect(writer.stats()).toMatchObject({ flushed: 5000, deadLettered: 0 });
      expect(await present(name, 5000)).toEqual({ rows: 5000, distinct: 5000 });
    } finally {
      await gate.dispose();
      await victimPool.end();
    }
  });

  it('SIGTERM mid-stream: the writer process drains, 0 accepted items lost', async () => {
    const name = await table();
    const run = startWriter([service.url, name], 5000);
    await run.reached;
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code).toBe(143); // 128 + SIGTERM, after draining
    const pendingLine = run.lines.find((l) => l.startsWith('pending-at-signal '));
    expect(Number(pendingLine?.slice(18))).toBeGreaterThan(0); // the signal did land mid-stream
    const acked = lastAcked(run.lines);
    expect(run.lines).toContain(`closed flushed ${acked}`);
    expect(await present(name, Number.MAX_SAFE_INTEGER)).toEqual({ rows: acked, distinct: acked });
    expect(await present(name, acked)).toEqual({ rows: acked, distinct: acked });
  });

  it('kill -9 with the spool on, then restart: every acknowledged item is present exactly once', async () => {
    const name = await table();
    const spool = mkdtempSync(join(tmpdir(), 'perf-batch-kill-'));
    try {
      // 4500 events in batches of 1000 with a 60 s delay: the last 500 are
      // acknowledged (spooled) but cannot have been written when kill -9 lands.
      const run = startWriter([service.url, name, spool, '4500'], 4500);
      await run.reached;
      run.child.kill('SIGKILL');
      const exit = await run.exited;
      expect(exit.signal).toBe('SIGKILL');
      const acked = lastAcked(run.lines);
      expect(acked).toBe(4500);
      const spooled = readdirSync(spool).flatMap((f) =>
        readFileSync(join(spool, f), 'utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      expect(spooled.length).toBeGreaterThanOrEqual(500); // acknowledged but unwritten when killed
      expect((await present(name, acked)).rows).toBeLessThanOrEqual(4000);

      const restarted = new BatchWriter<Event>({
        flush: postgresSink({ pool, table: name, columns: eventColumns, row: eventRow, idempotencyKey: 'id' }),
        spool: { dir: spool },
      });
      expect(restarted.stats().replayed).toBe(spooled.length);
      await restarted.close();
      expect(await present(name, acked)).toEqual({ rows: acked, distinct: acked });
      expect(readdirSync(spool)).toEqual([]);
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  });
});
