// Schema migrations, applied at start in order, each once, each in its own
// transaction. Several instances starting together on one server take turns
// through an advisory lock, so no migration runs twice.
import type { Database } from './database.js';

export interface Migration {
  /** Stable and ordered: `001-clients`, `002-tokens`, … */
  readonly id: string;
  readonly sql: string;
}

/** Applies the migrations of `app` not yet applied; returns the ids applied now. */
export async function migrate(db: Database, app: string, migrations: readonly Migration[]): Promise<string[]> {
  const ids = migrations.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= (ids[i - 1] as string))) {
    throw new Error(`${app}: migration ids must be unique and in ascending order, got ${ids.join(', ')}`);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrations:${app}`]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (app text NOT NULL, id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (app, id))',
    );
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migrations WHERE app = $1', [app])).rows.map((r) => r.id),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (app, id) VALUES ($1, $2)', [app, m.id]);
      applied.push(m.id);
    }
    return applied;
  });
}
