// The auth server's configuration: environment variables only, every one
// optional, validated at start (see the README's table).
import { resolve } from 'node:path';
import { EnvReader } from '@perf/app-kit';
import type { SigningAlg } from './keys/signingKeys.js';

export interface AuthConfig {
  readonly host: string;
  readonly port: number;
  /** The issuer identifier (`iss`) and the base of every endpoint URL in the metadata. */
  readonly issuer: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Processes under node:cluster sharing the port (more than one needs DATABASE_URL). */
  readonly workers: number;
  readonly tokenTtlSeconds: number;
  readonly signingAlg: SigningAlg;
  /** Token requests per second per client. */
  readonly clientRateLimit: number;
  /** Failed client authentications per minute per source address before 429. */
  readonly authFailureLimit: number;
  /**
   * With REDIS_URL, how many instances (each with its WORKERS) share the quotas: while Redis does not
   * answer, each process allows its share, quota / (instances × workers).
   */
  readonly rateLimitInstances: number;
  /** Bearer token for /admin/*; generated into the data folder when unset. */
  readonly adminToken: string | undefined;
  /** A JSON file of clients registered at start (created or replaced). */
  readonly seedFile: string | undefined;
  readonly logLevel: string;
}

export function readConfig(env: Readonly<Record<string, string | undefined>> = process.env): AuthConfig {
  const e = new EnvReader('auth-server', env);
  const host = e.string('HOST', '127.0.0.1');
  const port = e.port('PORT', 4000);
  const issuer = (e.optionalUrl('ISSUER', ['http:', 'https:']) ?? `http://${host}:${port}`).replace(/\/$/, '');
  const databaseUrl = e.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  const workers = e.integer('WORKERS', 1, { min: 1, max: 64 });
  if (workers > 1 && databaseUrl === undefined) {
    e.problem('WORKERS', 'more than one worker needs DATABASE_URL: the embedded database serves one process');
  }
  const config: AuthConfig = {
    host,
    port,
    issuer,
    dataDir: resolve(e.string('DATA_DIR', 'data/auth-server')),
    databaseUrl,
    redisUrl: e.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    workers,
    tokenTtlSeconds: e.integer('TOKEN_TTL_SECONDS', 3600, { min: 60, max: 86_400 }),
    signingAlg: e.oneOf('SIGNING_ALG', ['ES256', 'EdDSA'], 'ES256'),
    clientRateLimit: e.integer('CLIENT_RATE_LIMIT', 1000, { min: 1, max: 1_000_000 }),
    authFailureLimit: e.integer('AUTH_FAILURE_LIMIT', 20, { min: 1, max: 1_000_000 }),
    rateLimitInstances: e.integer('RATE_LIMIT_INSTANCES', 1, { min: 1, max: 10_000 }),
    adminToken: e.optionalString('ADMIN_TOKEN'),
    seedFile: e.optionalString('SEED_FILE'),
    logLevel: e.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  };
  const admin = config.adminToken;
  if (admin !== undefined && admin.length < 24) e.problem('ADMIN_TOKEN', 'must be at least 24 characters');
  e.done();
  return config;
}
