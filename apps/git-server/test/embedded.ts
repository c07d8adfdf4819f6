// Every test server runs the embedded database in its own data folder. A
// fresh PGlite folder costs an initdb (2–10 s on this machine, most of a test
// file's set-up); a folder copied from one initialised once per machine opens
// in about a second. The server then runs its migrations as on any start:
// what is skipped is only the initdb, as when a data folder already exists.
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const PGLITE_VERSION = '0.5.16';

export async function seedEmbeddedDatabase(dataDir: string): Promise<void> {
  const target = join(dataDir, 'db');
  if (existsSync(target)) return;
  const template = join(tmpdir(), `perf-git-server-pglite-${PGLITE_VERSION}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    const building = mkdtempSync(`${template}-building-`);
    const db = await PGlite.create(building);
    await db.close();
    try {
      renameSync(building, template); // atomic: another test process may have made one meanwhile
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  cpSync(template, target, { recursive: true });
}
