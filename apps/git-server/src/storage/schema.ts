// The git server's tables, the same on the embedded database and on a server.
// Repository contents live on disk (REPOS_DIR); these rows say which
// repositories exist, who may do what with them, and whether anyone may read.
import type { Migration } from '@perf/app-kit';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001-repositories',
    sql: `
      CREATE TABLE repositories (
        name text PRIMARY KEY,
        owner text NOT NULL,
        public boolean NOT NULL DEFAULT false,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE repository_roles (
        repo text NOT NULL REFERENCES repositories (name) ON DELETE CASCADE,
        subject text NOT NULL,
        role text NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repo, subject)
      );
      CREATE INDEX repository_roles_subject ON repository_roles (subject);`,
  },
];
