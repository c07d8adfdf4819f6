// The one place that decides whether a test that needs PostgreSQL or Redis runs.
// Reachable: the test runs against the real server. Unreachable: the test skips
// with a one-line reason, unless PERF_REQUIRE_SERVICES=1 (CI), where it fails.
import { connect } from 'node:net';

export interface Service {
  /** Connection URL the test should use. */
  readonly url: string;
  /** `false` when the service is reachable; otherwise the reason to skip. */
  readonly skip: false | string;
}

const DEFAULTS = {
  postgres: { env: 'DATABASE_URL', url: 'postgres://postgres@127.0.0.1:5432/test', port: 5432 },
  redis: { env: 'REDIS_URL', url: 'redis://127.0.0.1:6379', port: 6379 },
} as const;

type Kind = keyof typeof DEFAULTS;

function reachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (error?: string) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done());
    socket.once('error', (err) => done(err.message));
  });
}

const probes = new Map<Kind, Promise<Service>>();

async function probe(kind: Kind): Promise<Service> {
  const { env, url: fallback, port: defaultPort } = DEFAULTS[kind];
  const url = process.env[env] || fallback;
  const parsed = new URL(url);
  const error = await reachable(parsed.hostname || '127.0.0.1', Number(parsed.port) || defaultPort, 2000);
  if (error === undefined) return { url, skip: false };
  const reason = `${kind} unreachable at ${parsed.host} (${error}); set ${env} to run these tests`;
  if (process.env.PERF_REQUIRE_SERVICES === '1') {
    throw new Error(`PERF_REQUIRE_SERVICES=1 but ${reason}`);
  }
  console.warn(`skipped: ${reason}`);
  return { url, skip: reason };
}

function service(kind: Kind): Promise<Service> {
  let p = probes.get(kind);
  if (!p) {
    p = probe(kind);
    probes.set(kind, p);
  }
  return p;
}

/** PostgreSQL at `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`). */
export const postgres = (): Promise<Service> => service('postgres');
/** Redis at `REDIS_URL` (default `redis://127.0.0.1:6379`). */
export const redis = (): Promise<Service> => service('redis');

/**
 * A database of its own on the PostgreSQL server of `postgres()`, for a test
 * whose schema has fixed table names (an app's): created empty, dropped by `drop()`.
 */
export async function tempDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
