import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgres } from '@perf/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../src/index.js';

const pg = await postgres();
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-kit-db-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const table = `app_kit_${process.pid}_${Date.now()}`;
const migrations = [
  {
    id: '001-notes',
    sql: `CREATE TABLE ${table} (id int PRIMARY KEY, body text NOT NULL); CREATE INDEX ON ${table} (body);`,
  },
  { id: '002-notes-at', sql: `ALTER TABLE ${table} ADD COLUMN at timestamptz NOT NULL DEFAULT now();` },
];

async function exercise(db: Database) {
  expect(await migrate(db, table, migrations)).toEqual(['001-notes', '002-notes-at']);
  expect(await migrate(db, table, migrations)).toEqual([]);
  await db.query(`INSERT INTO ${table} (id, body) VALUES ($1, $2)`, [1, 'kept']);
  await expect(
    db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} (id, body) VALUES ($1, $2)`, [2, 'rolled back']);
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
  const { rows } = await db.query<{ id: number; body: string }>(`SELECT id, body FROM ${table} ORDER BY id`);
  expect(rows).toEqual([{ id: 1, body: 'kept' }]);
}

describe('embedded (PGlite in a data folder)', () => {
  it('migrates once, commits and rolls back, and keeps its data across a restart', async () => {
    const dataDir = tempDir();
    const db = await openDatabase({ dataDir });
    expect(db.kind).toBe('embedded');
    await exercise(db);
    await db.close();
    const again = await openDatabase({ dataDir });
    expect((await again.query(`SELECT body FROM ${table}`)).rows).toEqual([{ body: 'kept' }]);
    expect(await migrate(again, table, migrations)).toEqual([]);
    await again.close();
  });
});

describe.skipIf(pg.skip)('a PostgreSQL server (DATABASE_URL)', () => {
  it('migrates once, commits and rolls back', async () => {
    const db = await openDatabase({ url: pg.url, dataDir: tempDir() });
    expect(db.kind).toBe('server');
    try {
      await exercise(db);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.query('DELETE FROM schema_migrations WHERE app = $1', [table]);
      await db.close();
    }
  });

  it('several instances starting at once apply each migration exactly once', async () => {
    const app = `${table}_race`;
    const race = [{ id: '001', sql: `CREATE TABLE ${app} (id int PRIMARY KEY)` }];
    const dbs = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: pg.url, dataDir: tempDir() })));
    try {
      const applied = await Promise.all(dbs.map((db) => migrate(db, app, race)));
      expect(applied.flat()).toEqual(['001']);
    } finally {
      await dbs[0]?.query(`DROP TABLE IF EXISTS ${app}`);
      await dbs[0]?.query('DELETE FROM schema_migrations WHERE app = $1', [app]);
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('refuses to start against a server that does not answer, with its error', async () => {
    await expect(openDatabase({ url: 'postgres://postgres@127.0.0.1:1/test', dataDir: tempDir() })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

it('refuses migrations out of order or repeated', async () => {
  const db = await openDatabase({ dataDir: tempDir() });
  try {
    await expect(
      migrate(db, 'x', [
        { id: '002', sql: '' },
        { id: '001', sql: '' },
      ]),
    ).rejects.toThrow(/ascending/);
  } finally {
    await db.close();
  }
});

describe('embedded, on its worker thread', () => {
  it("a statement from outside a transaction waits for it, and errors keep PostgreSQL's SQLSTATE", async () => {
    const db = await openDatabase({ dataDir: tempDir() });
    try {
      await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
      let outsideSaw: number | undefined;
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const tx = db.transaction(async (q) => {
        await q.query('INSERT INTO t VALUES (1)');
        await held; // the transaction holds the connection here
        await q.query('INSERT INTO t VALUES (2)');
      });
      const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t').then((r) => {
        outsideSaw = r.rows[0]?.n;
      });
      await new Promise((r) => setImmediate(r));
      expect(outsideSaw).toBeUndefined(); // still waiting for the transaction
      release();
      await tx;
      await outside;
      expect(outsideSaw).toBe(2); // it ran after the commit, not in the middle
      await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toMatchObject({ code: '23505' });
    } finally {
      await db.close();
    }
  });
});
