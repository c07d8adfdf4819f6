// `node dist/main.js`: starts the auth server on embedded defaults (or the
// environment's), prints where it listens and a curl that gets a token. With
// WORKERS=n the primary prepares the database, then forks n workers that
// share the port.
import cluster from 'node:cluster';
import { join } from 'node:path';
import { ConfigError, openDatabase, superviseWorkers } from '@perf/app-kit';
import pino from 'pino';
import { readDemoClient } from './bootstrap.js';
import { readConfig } from './config.js';
import { createAuthServer, prepare } from './server.js';
import { drainOrphanSpools } from './storage/tokenRecords.js';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  // A bad configuration is the operator's to fix: say what is wrong, without a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

if (config.workers > 1 && cluster.isPrimary) {
  const log = pino({ name: 'auth-server', level: config.logLevel });
  const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  const slots = Array.from({ length: config.workers }, (_, i) => `worker-${i + 1}`);
  try {
    await prepare(db, config, log, slots);
  } finally {
    await db.close();
  }
  process.exitCode = await superviseWorkers(
    config.workers,
    (line) => log.info(line),
    () => announce(`${config.workers} workers`),
  );
  // A worker replaced while the cluster stopped may have died before it wrote
  // what it took over: write every spool now, so a stopped cluster leaves none.
  const after = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'db') });
  try {
    const written = await drainOrphanSpools(after, join(config.dataDir, 'spool'), []);
    if (written > 0) log.info({ records: written }, 'wrote the token records left in worker spools');
  } finally {
    await after.close();
  }
} else {
  const server = await createAuthServer(config);
  server.closeOnSignals();
  await server.listen();
  if (!cluster.isWorker) announce(`${server.db.kind} database`);
}

function announce(what: string): void {
  const base = `http://${config.host}:${config.port}`;
  const demo = readDemoClient(config.dataDir);
  const lines = [`auth-server listening on ${base} (issuer ${config.issuer}, ${what})`];
  if (demo !== undefined) {
    lines.push(
      `  get a token:  curl -s -u ${demo.clientId}:${demo.secret} -d grant_type=client_credentials ${base}/oauth/token`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
