// Every test server runs the embedded database in its own data folder. A
// fresh PGlite folder costs an initdb and the migrations (3–12 s on this
// machine, most of a test file's set-up); a folder copied from one made once
// per machine opens in about a second. The server still runs migrate() as on
// any start (it finds them applied, as after a restart): what is skipped is
// what a data folder that already exists skips.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, openDatabase } from '@perf/app-kit';
import { MIGRATIONS } from '../src/storage/schema.js';

const PGLITE_VERSION = '0.5.16';

/**
 * Copies an initialised PGlite folder into `<dataDir>/db`: with the git
 * server's migrations applied (`migrated`, the default), or empty (for
 * another app's data folder, e.g. the auth server's).
 */
export async function seedEmbeddedDatabase(dataDir: string, options: { migrated?: boolean } = {}): Promise<void> {
  const target = join(dataDir, 'db');
  if (existsSync(target)) return;
  const migrated = options.migrated !== false;
  const schema = migrated
    ? createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 12)
    : 'empty';
  const template = join(tmpdir(), `perf-git-server-pglite-${PGLITE_VERSION}-${schema}`);
  if (!existsSync(join(template, 'PG_VERSION'))) {
    const building = mkdtempSync(`${template}-building-`);
    if (migrated) {
      const db = await openDatabase({ dataDir: building });
      await migrate(db, 'git-server', MIGRATIONS);
      await db.close();
    } else {
      await (await PGlite.create(building)).close();
    }
    try {
      renameSync(building, template); // atomic: another test process may have made one meanwhile
    } catch {
      rmSync(building, { recursive: true, force: true });
    }
  }
  cpSync(template, target, { recursive: true });
}
