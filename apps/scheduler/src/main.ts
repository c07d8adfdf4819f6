// `node dist/main.js`: starts the scheduler on embedded defaults (or the
// environment's), prints where it listens and a command to try.
import { readConfig } from './config.js';
import { createSchedulerApp } from './server.js';

const config = readConfig();
const server = await createSchedulerApp(config);
server.closeOnSignals();
const base = await server.listen();
const lines = [
  `scheduler listening on ${base} (${server.jobs.length} jobs from ${config.configFile}, ${server.db.kind} database, ${server.coordinator.kind} coordination)`,
  `  open the page:  ${base}/`,
  `  run a job now:  curl -s -X POST -H 'content-type: application/json' ${base}/api/jobs/${encodeURIComponent(server.jobs[0]?.name ?? 'NAME')}/run`,
];
process.stdout.write(`${lines.join('\n')}\n`);
