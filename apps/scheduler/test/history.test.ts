// The run history on the embedded database: a run is listed from the moment
// it starts, its finished record replaces the running one, and once its row
// is written it is served from the database and no longer held in memory (a
// thousand jobs must not keep every old record alive).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, migrate, openDatabase } from '@perf/app-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../src/history/historyStore.js';
import { MIGRATIONS } from '../src/history/schema.js';
import type { RunRecord } from '../src/runtime/run.js';
import { freshDataDir } from './dataDir.js';

const run = (id: string, status: RunRecord['status'], startedAt: number): RunRecord => ({
  id,
  job: 'backup',
  trigger: 'schedule',
  scheduledAt: startedAt,
  startedAt,
  finishedAt: status === 'running' ? null : startedAt + 5,
  status,
  exitCode: status === 'running' ? null : 0,
  error: null,
  output: status === 'running' ? '' : 'done\n',
  outputTruncated: false,
  outputBytes: status === 'running' ? 0 : 5,
  attempts: 1,
  instance: 'test',
  fence: 1,
});

describe('HistoryStore', () => {
  let dir: string;
  let db: Database;
  let history: HistoryStore;
  const lost: RunRecord[] = [];

  beforeEach(async () => {
    dir = await freshDataDir('scheduler-history-');
    db = await openDatabase({ url: undefined, dataDir: join(dir, 'db') });
    await migrate(db, 'scheduler', MIGRATIONS);
    history = new HistoryStore(db, { spoolDir: join(dir, 'spool'), onDeadLetter: (r) => lost.push(r) });
  });

  afterEach(async () => {
    await history.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a running run at once, then its finished record in its place', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    history.record(run(id, 'running', 1_000));
    expect((await history.list('backup')).map((r) => [r.id, r.status])).toEqual([[id, 'running']]);
    history.record(run(id, 'succeeded', 1_000));
    expect((await history.list('backup')).map((r) => [r.id, r.status])).toEqual([[id, 'succeeded']]);
    await history.flush();
    expect((await history.list('backup')).map((r) => [r.id, r.status, r.output])).toEqual([
      [id, 'succeeded', 'done\n'],
    ]);
    expect(lost).toEqual([]);
  });

  it('drops a run from memory once its row is written: deleted from the database, it is gone', async () => {
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    history.record(run(ids[0] as string, 'succeeded', 1_000));
    history.record(run(ids[1] as string, 'running', 2_000));
    await history.flush();
    await db.query('DELETE FROM job_runs');
    // The written run was only in the database; the running one (never written) is still in memory.
    expect(await history.get(ids[0] as string)).toBeUndefined();
    expect((await history.list('backup')).map((r) => r.id)).toEqual([ids[1]]);
  });
});
