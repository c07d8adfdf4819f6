// The auth server, assembled: fastify with the OAuth, discovery, admin and
// health routes, over the database, the client cache, the token-record
// writer, the breaker that guards the database and the verifier that
// introspection and revocation share.
import { join } from 'node:path';
import {
  aggregatedMetrics,
  type Database,
  Lifecycle,
  loggerOptions,
  migrate,
  openDatabase,
  workerSlot,
} from '@perf/app-kit';
import { CircuitBreaker, ConsecutiveFailures } from '@perf/circuit-breaker';
import { createSigner, createVerifier, type Signer, type Verifier } from '@perf/jwt-cache';
import { answerMetricRequests, contentType, negotiate } from '@perf/metrics';
import fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { adminToken, seedClients } from './bootstrap.js';
import { ClientAuthenticator } from './clients/authenticator.js';
import type { AuthConfig } from './config.js';
import { joinFleet } from './fleet.js';
import { activeSigningKey, publishedKeys } from './keys/signingKeys.js';
import { RequestLimits } from './limits.js';
import { TokenIssuer } from './oauth/tokenEndpoint.js';
import { AuthMetrics } from './observability.js';
import { adminRoutes } from './routes/admin.js';
import { oauthRoutes } from './routes/oauth.js';
import { wellKnownRoutes } from './routes/wellKnown.js';
import { ClientStore } from './storage/clientStore.js';
import { DatabaseReplayGuard } from './storage/replayGuard.js';
import { RevocationStore } from './storage/revocationStore.js';
import { MIGRATIONS } from './storage/schema.js';
import { drainOrphanSpools, tokenRecords } from './storage/tokenRecords.js';

/** This process's spool folder: `main`, or `worker-<slot>` under WORKERS=n (a replacement worker takes over its slot's). */
const spoolName = (): string => {
  const slot = workerSlot();
  return slot === undefined ? 'main' : `worker-${slot}`;
};

/**
 * What runs once per start before any request is served (by the single
 * process, or by the primary before it forks workers): migrations, the seed
 * clients, the signing key, and the token records of spools no process owns now.
 */
export async function prepare(
  db: Database,
  config: AuthConfig,
  log: FastifyBaseLogger,
  spoolsInUse: readonly string[],
): Promise<void> {
  await migrate(db, 'auth-server', MIGRATIONS);
  await seedClients(new ClientStore(db), config, log);
  await activeSigningKey(config.dataDir, db, config.signingAlg);
  const drained = await drainOrphanSpools(db, join(config.dataDir, 'spool'), spoolsInUse);
  if (drained > 0) log.info({ records: drained }, 'wrote the token records of spools left by an earlier run');
}

export interface AuthServer {
  readonly app: FastifyInstance;
  readonly config: AuthConfig;
  readonly db: Database;
  /** Listens on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, drains the token records, closes the database. */
  close(): Promise<void>;
  /** SIGTERM/SIGINT: close, then exit. */
  closeOnSignals(): void;
}

/** Client cache: 10 minutes, 5,000 entries (the reference deployment's figures). */
const CLIENT_CACHE_TTL_MS = 10 * 60_000;
const CLIENT_CACHE_MAX = 5_000;

export async function createAuthServer(config: AuthConfig, options: { logger?: boolean } = {}): Promise<AuthServer> {
  const app = fastify({
    logger: options.logger === false ? false : loggerOptions('auth-server', config.logLevel),
    bodyLimit: 64 * 1024,
    // One log line per token request would cost more than issuing it; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const life = new Lifecycle();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  life.own({ name: 'database', close: () => db.close() });
  try {
    // A worker of a cluster finds everything prepared by its primary.
    if (workerSlot() === undefined) await prepare(db, config, app.log, [spoolName()]);
    const clients = new ClientStore(db);

    // The database is behind one breaker: when it fails, calls fail fast and
    // clients are served from the cache (stale-if-error) until it answers.
    const breaker = new CircuitBreaker({
      name: 'database',
      strategy: new ConsecutiveFailures(5),
      halfOpenAfterMs: 5_000,
    });
    life.own({ name: 'breaker', close: () => breaker.close() });
    const guarded = {
      query: <R>(sql: string, params?: readonly unknown[]) => breaker.execute(() => db.query<R>(sql, params)),
    };

    const fleet = joinFleet(config.redisUrl);
    life.own({ name: 'redis', close: () => fleet.close() });

    const authenticator = new ClientAuthenticator({
      secondLevel: fleet.clientTier,
      clients: { get: (id) => breaker.execute(() => clients.get(id)) },
      replay: new DatabaseReplayGuard(guarded),
      audiences: [`${config.issuer}/oauth/token`, config.issuer],
      cacheTtlMs: CLIENT_CACHE_TTL_MS,
      cacheMax: CLIENT_CACHE_MAX,
    });
    life.own({ name: 'client cache', close: () => authenticator.close() });

    const key = await activeSigningKey(config.dataDir, db, config.signingAlg);
    const signer: Signer = await createSigner({ key: key.privateJwk, alg: key.alg, kid: key.kid, typ: 'at+jwt' });

    // Token records: batched, spooled to disk before `add` returns, written off the request path.
    const writer = tokenRecords({
      db: guarded,
      spoolDir: join(config.dataDir, 'spool', spoolName()),
      onDeadLetter: (jti, err) => app.log.error({ jti, err }, 'token record not written'),
    });
    life.own({ name: 'token records', close: () => writer.close() });

    const issuer = new TokenIssuer({
      issuer: config.issuer,
      defaultTtlSeconds: config.tokenTtlSeconds,
      sign: (claims) => signer.signAsync(claims),
      record: (token) => writer.add(token),
    });

    // Introspection and revocation verify with the keys this server publishes,
    // fetched like any resource server would, and every instance's revocations:
    // at once through Redis, and from the database every 30 s and at start, for
    // the ones a lost Redis connection missed.
    const revocations = new RevocationStore(guarded);
    let verifier: Promise<Verifier> | undefined;
    let resync: NodeJS.Timeout | undefined;
    const localJwks = () => `http://127.0.0.1:${(app.server.address() as { port: number }).port}/.well-known/jwks.json`;
    const makeVerifier = async (): Promise<Verifier> => {
      const v = await createVerifier({
        jwks: { url: localJwks(), cooldownSeconds: 1, minMaxAgeSeconds: 1 },
        algorithms: [config.signingAlg],
        issuer: config.issuer,
        requiredClaims: ['exp', 'jti', 'client_id'],
        ...(fleet.revocations ? { revocation: fleet.revocations } : {}),
      });
      let synced = 0;
      const sync = async () => {
        const started = Date.now();
        for (const r of await revocations.active(synced)) v.revoke(r.jti, r.expiresAtMs);
        synced = started - 5_000; // overlap: a revocation committed while we read is read again next time
      };
      await sync();
      resync = setInterval(() => sync().catch((err) => app.log.warn({ err }, 'revocation resync failed')), 30_000);
      resync.unref();
      return v;
    };
    const tokenVerifier = () => ({
      verify: async (token: string) => {
        verifier ??= makeVerifier();
        verifier.catch(() => {
          verifier = undefined;
        });
        return (await verifier).verify(token);
      },
    });
    life.own({
      name: 'verifier',
      close: async () => {
        clearInterval(resync);
        await (await verifier?.catch(() => undefined))?.close();
      },
    });
    const revoker = {
      revoke: async (jti: string, clientId: string, expiresAtMs: number) => {
        (await verifier)?.revoke(jti, expiresAtMs);
        await revocations.add(jti, clientId, expiresAtMs);
        await fleet.publishRevocation(jti, expiresAtMs);
      },
    };

    const metrics = new AuthMetrics({
      clientCache: () => authenticator.clients.stats(),
      breakerOpen: () => breaker.state.kind !== 'closed',
      writer: () => writer.stats(),
    });
    life.own({ name: 'metrics', close: async () => metrics.close() });
    // Under WORKERS=n each worker answers for the whole cluster: the primary merges every worker's snapshot.
    const clustered = workerSlot() !== undefined;
    if (clustered) {
      const stopAnswering = answerMetricRequests(metrics.registry);
      life.own({ name: 'metrics answers', close: async () => stopAnswering() });
    }
    app.get('/metrics', async (req, reply) => {
      const format = negotiate(req.headers.accept);
      const text = clustered ? await aggregatedMetrics(format) : await metrics.registry.metrics(format);
      return reply.type(contentType(format)).send(text);
    });

    const limits = new RequestLimits({
      clientPerSecond: config.clientRateLimit,
      failuresPerMinute: config.authFailureLimit,
      redisUrl: config.redisUrl,
      processes: config.rateLimitInstances * config.workers,
    });
    life.own({ name: 'rate limits', close: () => limits.close() });

    oauthRoutes(app, {
      authenticator,
      beforeAuth: async (req) => limits.beforeAuth(req.ip),
      onAuthFailure: (req) => limits.onAuthFailure(req.ip),
      onClient: (client, reply) => limits.forClient(client.clientId, (h) => void reply.headers(h)),
      issuer,
      verifier: tokenVerifier,
      revoker,
      onTokenRequest: (outcome, seconds, client) => {
        metrics.requests.inc({ outcome });
        metrics.duration.observe(seconds);
        if (outcome === 'issued' && client !== undefined) metrics.issued.inc({ client_id: client.clientId });
      },
    });
    wellKnownRoutes(app, config.issuer, config.signingAlg, () => publishedKeys(db));
    adminRoutes(app, {
      token: adminToken(config),
      clients,
      authenticator,
      stats: () => ({ clients: authenticator.clients.stats(), breaker: breaker.stats(), writer: writer.stats() }),
    });
    life.requireReady({ name: 'database', check: async () => void (await db.query('SELECT 1')) });
    life.routes(app);
  } catch (error) {
    await db.close();
    throw error;
  }

  return {
    app,
    config,
    db,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const { port } = app.server.address() as { port: number };
      return `http://${config.host}:${port}`;
    },
    close: () => life.shutdown(app),
    closeOnSignals: () => life.closeOnSignals(app),
  };
}
