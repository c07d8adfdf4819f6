// An auth server on loopback for one test file: a fresh data folder, the
// embedded database (or DATABASE_URL's server when asked), port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@perf/testing';
import { adminToken } from '../src/bootstrap.js';
import { type AuthConfig, readConfig } from '../src/config.js';
import { type AuthServer, createAuthServer } from '../src/server.js';

export interface Running {
  readonly server: AuthServer;
  readonly base: string;
  readonly dataDir: string;
  readonly adminToken: string;
  /** Registers a client through the admin API. */
  putClient(clientId: string, spec: Record<string, unknown>): Promise<void>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startAuthServer(env: Record<string, string> = {}, dataDir?: string): Promise<Running> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'auth-server-'));
  // The issuer names its own URL, so the port is chosen before the server starts.
  const port = String(await freePort());
  // Tests that are not about rate limits must not meet them (they send many requests from one address).
  const config: AuthConfig = readConfig({
    PORT: port,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    CLIENT_RATE_LIMIT: '1000000',
    AUTH_FAILURE_LIMIT: '1000000',
    ...env,
  });
  const server = await createAuthServer(config, { logger: false });
  const base = await server.listen();
  const admin = adminToken(config);
  return {
    server,
    base,
    dataDir: dir,
    adminToken: admin,
    async putClient(clientId, spec) {
      const res = await fetch(`${base}/admin/clients/${clientId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      if (!res.ok) throw new Error(`PUT /admin/clients/${clientId}: ${res.status} ${await res.text()}`);
    },
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `Basic` credentials of a client (RFC 6749 §2.3.1: the id and secret here need no form-encoding). */
export const basic = (clientId: string, secret: string): string =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** POSTs a form to one of the OAuth endpoints with a client's Basic credentials. */
export function postForm(
  base: string,
  path: string,
  clientId: string,
  secret: string,
  body = 'grant_type=client_credentials',
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** The claims of a JWT, read without verifying (tests look at what they just received). */
export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'));
