// Repository rows and role grants in the database.
import type { Queryable } from '@perf/app-kit';
import { encodeAccess, levelOf, MISSING, NONE, type RepoAccess, type Role } from '../auth/roles.js';

export interface RepoRecord {
  readonly name: string;
  readonly owner: string;
  readonly public: boolean;
  readonly description: string;
  readonly createdAt: string;
}

export interface Grant {
  readonly subject: string;
  readonly role: Role;
}

interface Row {
  name: string;
  owner: string;
  public: boolean;
  description: string;
  created_at: Date | string;
}

const COLUMNS = 'name, owner, public, description, created_at';

const toRecord = (r: Row): RepoRecord => ({
  name: r.name,
  owner: r.owner,
  public: r.public,
  description: r.description,
  createdAt: new Date(r.created_at).toISOString(),
});

type Db = Pick<Queryable, 'query'>;

export class RepoStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** What `subject` ('' for anonymous) may do with `repo`, as the role cache holds it. */
  async access(repo: string, subject: string): Promise<RepoAccess> {
    const { rows } = await this.#db.query<{ public: boolean; role: Role | null }>(
      `SELECT r.public, g.role FROM repositories r
       LEFT JOIN repository_roles g ON g.repo = r.name AND g.subject = $2
       WHERE r.name = $1`,
      [repo, subject],
    );
    const row = rows[0];
    if (row === undefined) return MISSING;
    return encodeAccess(row.role === null ? NONE : levelOf(row.role), row.public);
  }

  async get(name: string, db: Db = this.#db): Promise<RepoRecord | undefined> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM repositories WHERE name = $1`, [name]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** The repositories `subject` may read: public ones and those it holds a role on (all of them for `all`). */
  async readable(subject: string | undefined, all: boolean): Promise<RepoRecord[]> {
    if (all) return (await this.#db.query<Row>(`SELECT ${COLUMNS} FROM repositories ORDER BY name`)).rows.map(toRecord);
    const { rows } = await this.#db.query<Row>(
      `SELECT ${COLUMNS} FROM repositories r
       WHERE r.public OR EXISTS (SELECT 1 FROM repository_roles g WHERE g.repo = r.name AND g.subject = $1)
       ORDER BY name`,
      [subject ?? ''],
    );
    return rows.map(toRecord);
  }

  /** Inserts the row and the owner's admin grant; false when the name is taken. */
  async insert(tx: Db, repo: Omit<RepoRecord, 'createdAt'>): Promise<RepoRecord | undefined> {
    const { rows } = await tx.query<Row>(
      `INSERT INTO repositories (name, owner, public, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [repo.name, repo.owner, repo.public, repo.description],
    );
    if (rows[0] === undefined) return undefined;
    await tx.query(`INSERT INTO repository_roles (repo, subject, role) VALUES ($1, $2, 'admin')`, [
      repo.name,
      repo.owner,
    ]);
    return toRecord(rows[0]);
  }

  async setPublic(name: string, isPublic: boolean): Promise<RepoRecord | undefined> {
    const { rows } = await this.#db.query<Row>(
      `UPDATE repositories SET public = $2 WHERE name = $1 RETURNING ${COLUMNS}`,
      [name, isPublic],
    );
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  /** Deletes the row (and its grants); false when there was none. */
  async remove(tx: Db, name: string): Promise<boolean> {
    return (await tx.query('DELETE FROM repositories WHERE name = $1', [name])).rowCount > 0;
  }

  async grants(name: string): Promise<Grant[]> {
    const { rows } = await this.#db.query<{ subject: string; role: Role }>(
      'SELECT subject, role FROM repository_roles WHERE repo = $1 ORDER BY subject',
      [name],
    );
    return rows;
  }

  async grant(name: string, subject: string, role: Role): Promise<void> {
    await this.#db.query(
      `INSERT INTO repository_roles (repo, subject, role) VALUES ($1, $2, $3)
       ON CONFLICT (repo, subject) DO UPDATE SET role = EXCLUDED.role, granted_at = now()`,
      [name, subject, role],
    );
  }

  /** Removes a grant; false when there was none. */
  async revoke(name: string, subject: string): Promise<boolean> {
    return (
      (await this.#db.query('DELETE FROM repository_roles WHERE repo = $1 AND subject = $2', [name, subject]))
        .rowCount > 0
    );
  }

  async count(): Promise<number> {
    const { rows } = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM repositories');
    return rows[0]?.n ?? 0;
  }
}
