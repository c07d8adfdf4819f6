// A fresh data folder for a scheduler under test, its embedded database
// already initialised: PGlite's first start in an empty folder runs initdb
// (about 6 s on a busy 2-core machine), a copy of an initialised folder opens
// in about 1 s. The initialised folder is made once per PGlite version and
// kept in the system's temporary folder.
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// The app pins its PGlite version: the template is only reused by the same one.
const version = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@electric-sql/pglite'];
const TEMPLATE = join(tmpdir(), `scheduler-test-pglite-${version}`);

async function template(): Promise<string> {
  if (existsSync(TEMPLATE)) return TEMPLATE;
  const building = mkdtempSync(join(tmpdir(), 'scheduler-test-pglite-building-'));
  const db = await PGlite.create(building);
  await db.query('SELECT 1');
  await db.close();
  try {
    renameSync(building, TEMPLATE);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another test process made it first
  }
  return TEMPLATE;
}

/** A new data folder whose `db` is an initialised embedded database. */
export async function freshDataDir(prefix = 'scheduler-'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(await template(), join(dir, 'db'), { recursive: true });
  return dir;
}
