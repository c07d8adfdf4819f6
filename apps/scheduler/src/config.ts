// The scheduler's own settings: environment variables only, every one
// optional, validated at start (see the README's table). The jobs are in the
// INI file CONFIG_FILE names.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvReader } from '@perf/app-kit';

export interface AppConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** The Ofelia-style INI file of jobs; created from the example on a first start when it is the default. */
  readonly configFile: string;
  readonly configFileIsDefault: boolean;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Prefix of this fleet's Redis keys (several fleets can share one Redis). */
  readonly redisPrefix: string;
  /** `unix:///var/run/docker.sock` (default) or `tcp://host:2375`. */
  readonly dockerHost: string;
  /** Pins the Docker API version instead of negotiating it with /_ping. */
  readonly dockerApiVersion: string | undefined;
  /** This instance's name in locks and history. */
  readonly instance: string;
  /** Bearer token the POST endpoints (run now, pause, resume) require, when set. */
  readonly adminToken: string | undefined;
  readonly misfireGraceMs: number;
  /** A finished run is written to the history database at most this long after it ended (batched). */
  readonly historyFlushMs: number;
  /** How long a shutdown waits for running jobs before stopping them. */
  readonly drainMs: number;
  readonly logLevel: string;
}

export function readConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const e = new EnvReader('scheduler', env);
  const dataDir = resolve(e.string('DATA_DIR', 'data/scheduler'));
  const configFile = e.optionalString('CONFIG_FILE');
  const dockerHost = e.string('DOCKER_HOST', 'unix:///var/run/docker.sock');
  if (!/^(unix:\/\/\/|tcp:\/\/|http:\/\/)/.test(dockerHost)) {
    e.problem('DOCKER_HOST', `got "${dockerHost}"; set unix:///path/to/docker.sock or tcp://host:port`);
  }
  const apiVersion = e.optionalString('DOCKER_API_VERSION');
  if (apiVersion !== undefined && !/^1\.\d+$/.test(apiVersion)) {
    e.problem('DOCKER_API_VERSION', `got "${apiVersion}"; set a version such as 1.43`);
  }
  const config: AppConfig = {
    host: e.string('HOST', '127.0.0.1'),
    port: e.port('PORT', 4002),
    dataDir,
    configFile: resolve(configFile ?? join(dataDir, 'scheduler.ini')),
    configFileIsDefault: configFile === undefined,
    databaseUrl: e.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: e.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: e.string('REDIS_PREFIX', 'scheduler'),
    dockerHost,
    dockerApiVersion: apiVersion,
    instance: e.string('INSTANCE_NAME', `${hostname()}:${process.pid}`),
    adminToken: e.optionalString('ADMIN_TOKEN'),
    misfireGraceMs: e.integer('MISFIRE_GRACE_MS', 5_000, { min: 0, max: 3_600_000 }),
    drainMs: e.integer('DRAIN_MS', 10_000, { min: 0, max: 3_600_000 }),
    historyFlushMs: e.integer('HISTORY_FLUSH_MS', 200, { min: 1, max: 60_000 }),
    logLevel: e.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  };
  const admin = config.adminToken;
  if (admin !== undefined && admin.length < 24) e.problem('ADMIN_TOKEN', 'must be at least 24 characters');
  e.done();
  return config;
}
