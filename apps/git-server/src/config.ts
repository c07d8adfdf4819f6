// The git server's configuration: environment variables only, every one
// optional, validated at start (see the README's table).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvReader } from '@perf/app-kit';
import { LARGEST_COST } from './userQuota.js';

/** Where the trusted access tokens' keys come from. */
export type TrustedKeys =
  | { readonly kind: 'jwks'; readonly url: string }
  | { readonly kind: 'file'; readonly path: string };

export interface GitServerConfig {
  readonly host: string;
  readonly port: number;
  /** The URL clients reach this server at (printed, and in the API's clone URLs); default: where it listens. */
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  /** Where the bare repositories live; several instances of a fleet share it. */
  readonly reposDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Prefix of this fleet's Redis keys and channels (the role and stats caches). */
  readonly redisPrefix: string;
  /** The auth server: the `iss` every token must carry. */
  readonly authIssuer: string;
  /** An `aud` every token must name. */
  readonly authAudience: string;
  readonly trustedKeys: TrustedKeys;
  /** The Redis channel the auth server publishes revocations on. */
  readonly revocationChannel: string;
  /** Subjects with the admin role on every repository. */
  readonly adminSubjects: readonly string[];
  /** git processes running at once; more requests wait in a queue of `gitQueue`. */
  readonly gitProcesses: number;
  readonly gitQueue: number;
  /** Largest upload-pack request body (wants and haves), after gunzip. */
  readonly maxRequestBytes: number;
  /** Largest push (the pack a receive-pack request carries), after gunzip. */
  readonly maxPushBytes: number;
  readonly gitBinary: string;
  readonly logLevel: string;
  /** Requests per minute per user (or anonymous source address), git and API together; 0: no limit. */
  readonly userRateLimit: number;
  /** Instances sharing REDIS_URL's quota: while Redis is down each allows userRateLimit / this. */
  readonly rateLimitInstances: number;
}

const MB = 1024 * 1024;

export function readConfig(env: Readonly<Record<string, string | undefined>> = process.env): GitServerConfig {
  const e = new EnvReader('git-server', env);
  const host = e.string('HOST', '127.0.0.1');
  const port = e.port('PORT', 4001);
  const dataDir = resolve(e.string('DATA_DIR', 'data/git-server'));
  // The auth server of `npm start` listens on 4000 beside this one.
  const authIssuer = (e.optionalUrl('AUTH_ISSUER', ['http:', 'https:']) ?? 'http://127.0.0.1:4000').replace(/\/$/, '');
  const jwksUrl = e.optionalUrl('AUTH_JWKS_URL', ['http:', 'https:']);
  const keyFile = e.optionalString('AUTH_PUBLIC_KEY_FILE');
  if (jwksUrl !== undefined && keyFile !== undefined) {
    e.problem('AUTH_PUBLIC_KEY_FILE', 'set either AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE, not both');
  }
  if (keyFile !== undefined) {
    try {
      readFileSync(keyFile);
    } catch (error) {
      e.problem('AUTH_PUBLIC_KEY_FILE', `cannot be read (${(error as Error).message}); give a PEM or JWK/JWKS file`);
    }
  }
  const trustedKeys: TrustedKeys =
    keyFile !== undefined
      ? { kind: 'file', path: resolve(keyFile) }
      : { kind: 'jwks', url: jwksUrl ?? `${authIssuer}/.well-known/jwks.json` };
  const databaseUrl = e.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  const config: GitServerConfig = {
    host,
    port,
    publicUrl: e.optionalUrl('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/$/, ''),
    dataDir,
    reposDir: resolve(e.string('REPOS_DIR', resolve(dataDir, 'repos'))),
    databaseUrl,
    redisUrl: e.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: e.string('REDIS_PREFIX', 'git-server'),
    authIssuer,
    authAudience: e.string('AUTH_AUDIENCE', 'urn:perf:api'),
    trustedKeys,
    revocationChannel: e.string('REVOCATION_CHANNEL', 'auth-server:revocations'),
    adminSubjects: (e.optionalString('ADMIN_SUBJECTS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    gitProcesses: e.integer('GIT_PROCESSES', 16, { min: 1, max: 1024 }),
    gitQueue: e.integer('GIT_QUEUE', 256, { min: 0, max: 100_000 }),
    maxRequestBytes: e.integer('MAX_REQUEST_MB', 16, { min: 1, max: 1024 }) * MB,
    maxPushBytes: e.integer('MAX_PUSH_MB', 1024, { min: 1, max: 1024 * 1024 }) * MB,
    gitBinary: e.string('GIT_BINARY', 'git'),
    logLevel: e.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    userRateLimit: e.integer('USER_RATE_LIMIT', 300, { min: 0, max: 1_000_000 }),
    rateLimitInstances: e.integer('RATE_LIMIT_INSTANCES', 1, { min: 1, max: 10_000 }),
  };
  if (config.userRateLimit > 0 && config.userRateLimit < LARGEST_COST) {
    e.problem(
      'USER_RATE_LIMIT',
      `got ${config.userRateLimit}; set 0 (no limit) or at least ${LARGEST_COST} (a clone in protocol v2 costs ${LARGEST_COST})`,
    );
  } else if (
    config.userRateLimit > 0 &&
    config.redisUrl !== undefined &&
    config.userRateLimit / config.rateLimitInstances < LARGEST_COST
  ) {
    e.problem(
      'RATE_LIMIT_INSTANCES',
      `got ${config.rateLimitInstances}: while Redis is down each instance would allow ${config.userRateLimit} / ${config.rateLimitInstances} requests per minute per caller, too few for a clone (${LARGEST_COST}); raise USER_RATE_LIMIT or lower RATE_LIMIT_INSTANCES`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(config.redisPrefix)) {
    e.problem('REDIS_PREFIX', `got "${config.redisPrefix}"; use letters, digits, "_", "." and "-"`);
  }
  e.done();
  return config;
}
