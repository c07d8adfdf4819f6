// The auth server's tables, the same on the embedded database and on a server.
import type { Migration } from '@perf/app-kit';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '001-clients',
    sql: `
      CREATE TABLE clients (
        client_id text PRIMARY KEY,
        secret_hash text,
        auth_methods text[] NOT NULL,
        grant_types text[] NOT NULL DEFAULT '{client_credentials}',
        jwks jsonb,
        scopes text[] NOT NULL,
        audiences text[] NOT NULL,
        token_ttl_seconds integer,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    id: '002-tokens',
    sql: `
      CREATE TABLE issued_tokens (
        jti text PRIMARY KEY,
        client_id text NOT NULL,
        scope text NOT NULL,
        audience text[] NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX issued_tokens_expires_at ON issued_tokens (expires_at);
      CREATE TABLE revocations (
        jti text PRIMARY KEY,
        client_id text,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE client_assertions (
        client_id text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti)
      );`,
  },
  {
    id: '003-signing-keys',
    sql: `
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        expires_at timestamptz
      );`,
  },
];
