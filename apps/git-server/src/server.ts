// The git server, assembled: fastify with the smart HTTP, API, metrics and
// health routes, over the database (behind a breaker), the repositories on
// disk, the git process bulkhead, the token verifier, the role and stats
// caches and the per-user rate limit (through Redis in a fleet).
import { join } from 'node:path';
import { type Database, Lifecycle, loggerOptions, migrate, openDatabase } from '@perf/app-kit';
import { BufferPool } from '@perf/buffer-pool';
import { Cache } from '@perf/cache';
import { CircuitBreaker, ConsecutiveFailures } from '@perf/circuit-breaker';
import type { Verifier } from '@perf/jwt-cache';
import { fastifyMetrics } from '@perf/metrics';
import fastify, { type FastifyInstance, LogController } from 'fastify';
import { AccessCache } from './auth/access.js';
import { Gate } from './auth/gate.js';
import { Identities } from './auth/identity.js';
import type { RepoAccess } from './auth/roles.js';
import { tokenVerifier } from './auth/trustedKeys.js';
import type { GitServerConfig } from './config.js';
import { joinFleet } from './fleet.js';
import { GitLauncher } from './git/launcherClient.js';
import { GitProcesses } from './git/processes.js';
import { Repositories } from './git/repositories.js';
import { type GitMetrics, gitMetrics } from './metrics.js';
import { RepoService } from './repoService.js';
import { apiRoutes } from './routes/api.js';
import { smartHttpRoutes } from './routes/smartHttp.js';
import { RepoStore } from './storage/repoStore.js';
import { MIGRATIONS } from './storage/schema.js';
import { isDatabaseUnavailable } from './storage/unavailable.js';
import { UserQuota } from './userQuota.js';

export interface GitServer {
  readonly app: FastifyInstance;
  readonly config: GitServerConfig;
  readonly db: Database;
  readonly gate: Gate;
  readonly verifier: Verifier;
  readonly metrics: GitMetrics;
  readonly repos: RepoService;
  /** Starts the git processes (see git/launcher.ts). */
  readonly launcher: GitLauncher;
  /** The base of clone URLs: PUBLIC_URL, or where the server listens. */
  readonly publicUrl: string;
  /** Listens on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, lets running git requests finish, closes everything. */
  close(): Promise<void>;
  /** SIGTERM/SIGINT: close, then exit. */
  closeOnSignals(): void;
}

export interface ServerOptions {
  readonly logger?: boolean;
  /** The clock (ms) of the token verifier and of the in-memory rate limits, for tests. */
  readonly now?: () => number;
}

const MiB = 1024 * 1024;

export async function createGitServer(config: GitServerConfig, options: ServerOptions = {}): Promise<GitServer> {
  const app = fastify({
    logger: options.logger === false ? false : loggerOptions('git-server', config.logLevel),
    bodyLimit: 64 * 1024, // API bodies; git bodies stream past the parser with their own bounds
    // git requests log one line each themselves; the API's errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const life = new Lifecycle();
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  // git output (stdout read through, stderr, ref advertisements, stats listings) goes through pooled, zeroed memory.
  const pool = new BufferPool({ name: 'git-output', maxSize: 32 * MiB });
  // Forked first, while this process is small: it starts every git process (see git/launcher.ts).
  const launcher = new GitLauncher(pool);
  let db: Database;
  try {
    await launcher.start();
    db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  } catch (error) {
    await launcher.close();
    throw error;
  }
  life.own({ name: 'git launcher', close: () => launcher.close() });
  life.own({ name: 'database', close: () => db.close() });
  try {
    await migrate(db, 'git-server', MIGRATIONS);

    // The database is behind one breaker: when it fails, role checks fail fast
    // and known roles are served from the cache (stale-if-error) until it answers.
    const dbBreaker = new CircuitBreaker({
      name: 'database',
      strategy: new ConsecutiveFailures(5),
      halfOpenAfterMs: 5_000,
      // Only the database being out of reach counts; a query's own error says nothing about it.
      isFailure: isDatabaseUnavailable,
    });
    life.own({ name: 'database breaker', close: () => dbBreaker.close() });
    const guard = <T>(call: () => Promise<T>) => dbBreaker.execute(call);
    const store = new RepoStore(db);

    const fleet = joinFleet(config.redisUrl, config.redisPrefix, config.revocationChannel);
    life.own({ name: 'redis', close: () => fleet.close() });

    const git = new GitProcesses({
      binary: config.gitBinary,
      maxConcurrent: config.gitProcesses,
      maxQueue: config.gitQueue,
      pool,
      launcher,
    });
    const disk = new Repositories(config.reposDir, git);
    await disk.prepare();

    const verifier = await tokenVerifier({
      issuer: config.authIssuer,
      audience: config.authAudience,
      keys: config.trustedKeys,
      revocation: fleet.revocations,
      ...(options.now ? { now: options.now } : {}),
    });
    life.own({ name: 'token verifier', close: () => verifier.close() });
    const identities = new Identities(verifier, config.adminSubjects);

    const roles = new Cache<RepoAccess>({
      name: 'roles',
      max: 100_000,
      ttl: 60_000,
      staleIfErrorMs: 5 * 60_000,
      loadTimeoutMs: 2_000,
      ...(fleet.rolesTier ? { secondLevel: fleet.rolesTier } : {}),
    });
    life.own({ name: 'role cache', close: () => roles.close() });
    const access = new AccessCache(roles, (repo, subject) => guard(() => store.access(repo, subject)));
    const gate = new Gate(identities, access);

    const statsCache = new Cache<object>({
      name: 'stats',
      max: 10_000,
      ttl: 60_000,
      ...(fleet.statsTier ? { secondLevel: fleet.statsTier } : {}),
    });
    life.own({ name: 'stats cache', close: () => statsCache.close() });
    const repos = new RepoService({
      db,
      guard,
      store,
      disk,
      access,
      statsCache,
      live: () => ({ gitProcesses: git.breaker.stats(), bufferPool: pool.stats() }),
    });

    // Closed after the server drained (the requests in flight have been charged by then).
    const quota =
      config.userRateLimit === 0
        ? undefined
        : new UserQuota({
            perMinute: config.userRateLimit,
            redisUrl: config.redisUrl,
            redisPrefix: config.redisPrefix,
            instances: config.rateLimitInstances,
            ...(options.now ? { now: options.now } : {}),
          });
    if (quota !== undefined) life.own({ name: 'rate limits', close: () => quota.close() });

    const metrics = gitMetrics({
      verifier: () => verifier,
      caches: { roles, stats: statsCache },
      breakers: [git.breaker, dbBreaker],
      pool,
      quota,
    });
    life.own({ name: 'metrics', close: async () => metrics.stop() });
    // Closed first after the server drained: running git requests finish, queued ones are handed back.
    life.own({ name: 'git processes', close: () => git.close() });

    smartHttpRoutes(app, {
      gate,
      git,
      disk,
      metrics,
      maxRequestBytes: config.maxRequestBytes,
      maxPushBytes: config.maxPushBytes,
      pushed: (repo) => repos.pushed(repo),
      quota,
    });
    apiRoutes(app, { gate, repos, metrics, quota, publicUrl: () => publicUrl });
    app.register(fastifyMetrics, { registry: metrics.registry });
    life.requireReady({ name: 'database', check: async () => void (await db.query('SELECT 1')) });
    life.routes(app);

    return {
      app,
      config,
      db,
      gate,
      verifier,
      metrics,
      repos,
      launcher,
      async listen() {
        await app.listen({ host: config.host, port: config.port });
        const { port } = app.server.address() as { port: number };
        const base = `http://${config.host}:${port}`;
        publicUrl = config.publicUrl ?? base;
        return base;
      },
      get publicUrl() {
        return publicUrl;
      },
      close: () => life.shutdown(app),
      closeOnSignals: () => life.closeOnSignals(app),
    };
  } catch (error) {
    await life.shutdown(app);
    throw error;
  }
}
