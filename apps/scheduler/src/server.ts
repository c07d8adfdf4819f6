// The scheduler, assembled: the jobs file, the database (history and
// pauses), the coordinator (alone, Redis or PostgreSQL), the runners (local
// processes, HTTP through keep-alive pools and breakers, Docker), the output
// buffer pool, notifications, metrics, and fastify with the API, the page,
// /metrics and the health routes.
import { join } from 'node:path';
import { type Database, Lifecycle, loggerOptions, migrate, openDatabase } from '@perf/app-kit';
import { Cache } from '@perf/cache';
import { fastifyMetrics } from '@perf/metrics';
import fastify, { type FastifyInstance } from 'fastify';
import type { AppConfig } from './config.js';
import { DockerClient } from './docker/dockerClient.js';
import { execRunner, runRunner } from './docker/dockerRunners.js';
import type { Coordinator } from './fleet/coordinator.js';
import { joinFleet } from './fleet/joinFleet.js';
import { HistoryStore } from './history/historyStore.js';
import { MIGRATIONS } from './history/schema.js';
import { formatProblem } from './ini/problems.js';
import type { JobSpec } from './jobs/spec.js';
import { readJobsFile } from './jobsFile.js';
import { AppMetrics } from './metrics.js';
import { Notifier } from './notify/notifier.js';
import { apiRoutes } from './routes/api.js';
import { pageRoutes } from './routes/page.js';
import { executeRun, type Runners } from './runtime/execute.js';
import { httpRunner } from './runtime/httpRunner.js';
import { HttpTargets } from './runtime/httpTargets.js';
import { localRunner } from './runtime/localRunner.js';
import { createOutputPool } from './runtime/outputPool.js';
import type { RunRecord } from './runtime/run.js';
import { Scheduler } from './scheduler/scheduler.js';

export interface SchedulerApp {
  readonly app: FastifyInstance;
  readonly config: AppConfig;
  readonly db: Database;
  readonly scheduler: Scheduler;
  readonly history: HistoryStore;
  readonly coordinator: Coordinator;
  readonly docker: DockerClient;
  readonly jobs: readonly JobSpec[];
  /** Listens on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops ticking, lets running jobs finish (DRAIN_MS), writes their records, closes everything. */
  close(): Promise<void>;
  /** SIGTERM/SIGINT: close, then exit. */
  closeOnSignals(): void;
}

export interface AppOptions {
  readonly logger?: boolean;
  /** Wall clock (tests). Default `Date.now`. */
  readonly now?: () => number;
  /** Start ticking at once (default), or leave it to the caller (`scheduler.start()`). */
  readonly start?: boolean;
  /** Replaces runners (benchmarks). */
  readonly runners?: Partial<Runners>;
  /** Sees every run start and end (benchmarks). */
  readonly observe?: { started?(record: RunRecord): void; finished?(record: RunRecord): void };
}

export async function createSchedulerApp(config: AppConfig, options: AppOptions = {}): Promise<SchedulerApp> {
  const now = options.now ?? Date.now;
  const app = fastify({
    logger: options.logger === false ? false : loggerOptions('scheduler', config.logLevel),
    bodyLimit: 16 * 1024,
  });
  // POSTs carry no body worth parsing; an empty JSON body is accepted (curl -X POST -H 'content-type: application/json').
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }), undefined);
    }
  });
  const log = app.log;
  const { config: jobsConfig, problems } = readJobsFile(config, now());
  for (const p of problems)
    (p.severity === 'error' ? log.error : log.warn).call(log, { file: p.file, line: p.line }, formatProblem(p));

  const life = new Lifecycle();
  const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  life.own({ name: 'database', close: () => db.close() });
  try {
    await migrate(db, 'scheduler', MIGRATIONS);
    const coordinator = await joinFleet({
      instance: config.instance,
      db,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      now,
    });
    life.own({ name: 'coordinator', close: () => coordinator.close() });

    const pool = createOutputPool('job-output', jobsConfig.jobs.length);
    let metrics: AppMetrics | undefined;
    const docker = new DockerClient({
      host: config.dockerHost,
      apiVersion: config.dockerApiVersion,
      onRequest: (operation, outcome, seconds) => {
        metrics?.dockerRequests.inc({ operation, outcome });
        if (outcome !== 'rejected') metrics?.dockerDuration.observe({ operation }, seconds);
      },
    });
    life.own({ name: 'docker client', close: () => docker.close() });
    const targets = new HttpTargets();
    life.own({ name: 'http pools', close: () => targets.close() });

    const history = new HistoryStore(db, {
      spoolDir: join(config.dataDir, 'spool'),
      maxDelayMs: config.historyFlushMs,
      onDeadLetter: (run, error) => {
        metrics?.historyDropped.inc();
        log.error({ err: error, job: run.job, run: run.id }, 'run record not written to the history');
      },
    });
    life.own({ name: 'history', close: () => history.close() });

    metrics = new AppMetrics({
      pool,
      history: () => history.stats(),
      dockerBreaker: () => docker.breakerState,
      httpBreakers: () => targets.states(),
      configProblems: () => ({
        errors: problems.filter((p) => p.severity === 'error').length,
        warnings: problems.filter((p) => p.severity === 'warning').length,
      }),
    });
    const m = metrics;
    life.own({ name: 'metrics', close: async () => m.close() });

    const notifier = new Notifier({
      webhooks: jobsConfig.webhooks,
      targets,
      cooldownMs: jobsConfig.global.notificationCooldownMs,
      log,
      onOutcome: (webhook, outcome) => m.notifications.inc({ webhook, outcome }),
      now,
    });
    life.own({ name: 'notifications', close: () => notifier.close() });

    const runners: Runners = {
      local: localRunner(),
      http: httpRunner(targets),
      exec: execRunner(docker),
      run: runRunner(docker),
      ...options.runners,
    };
    const specs = new Map(jobsConfig.jobs.map((j) => [j.name, j]));
    const outputSizes = new Map<string, number>();
    const scheduler = new Scheduler({
      jobs: jobsConfig.jobs,
      coordinator,
      now,
      misfireGraceMs: config.misfireGraceMs,
      log,
      execute: (job, meta, stop) =>
        executeRun(job, meta, { runners, pool, outputSizes, now, instance: config.instance }, stop),
      hooks: {
        tick: (job, outcome) => m.tick(job, outcome),
        started: (record) => {
          m.started(record);
          history.record(record);
          options.observe?.started?.(record);
        },
        finished: (record) => {
          options.observe?.finished?.(record);
          m.finished(record);
          history.record(record);
          const spec = specs.get(record.job);
          if (spec !== undefined) notifier.notify(spec, record);
          if (record.status === 'failed' || record.status === 'timed-out') {
            log.warn({ job: record.job, run: record.id, error: record.error }, `job ${record.status}`);
          }
        },
      },
    });
    // Closed first (registered last): runs finish and are recorded before the history and database close.
    life.own({ name: 'scheduler', close: () => scheduler.stop(config.drainMs) });

    // The paused set of the fleet, read at most once a second for the page and API (and served stale if the coordinator is down).
    const pausedCache = new Cache<ReadonlySet<string>>({
      name: 'paused-jobs',
      max: 1,
      ttl: 1_000,
      staleIfErrorMs: 60_000,
      now,
    });
    life.own({ name: 'paused cache', close: () => pausedCache.close() });
    const paused = pausedCache.memo(() => coordinator.pausedJobs(), { name: 'paused' });

    const lastRuns = await history.lastRuns();
    apiRoutes(app, {
      instance: config.instance,
      coordinator: coordinator.kind,
      configFile: config.configFile,
      problems,
      adminToken: config.adminToken,
      status: async () => ({
        jobs: scheduler.status().map((s) => (s.last === undefined ? { ...s, last: lastRuns.get(s.spec.name) } : s)),
        paused: await paused(),
      }),
      runs: (job, limit) => history.list(job, limit),
      run: (id) => history.get(id),
      runNow: (job) => scheduler.runNow(job),
      setPaused: async (job, value) => {
        if (!scheduler.has(job)) return false;
        await coordinator.setPaused(job, value);
        await paused.invalidate();
        log.info({ job }, value ? 'job paused' : 'job resumed');
        return true;
      },
    });
    pageRoutes(app);
    await app.register(fastifyMetrics, { registry: m.registry });
    life.requireReady({ name: 'database', check: async () => void (await db.query('SELECT 1')) });
    life.routes(app);
    if (options.start !== false) scheduler.start();

    return {
      app,
      config,
      db,
      scheduler,
      history,
      coordinator,
      docker,
      jobs: jobsConfig.jobs,
      async listen() {
        await app.listen({ host: config.host, port: config.port });
        const { port } = app.server.address() as { port: number };
        return `http://${config.host}:${port}`;
      },
      close: () => life.shutdown(app),
      closeOnSignals: () => life.closeOnSignals(app, config.drainMs + 20_000),
    };
  } catch (error) {
    await life.shutdown(app).catch(() => {});
    throw error;
  }
}
