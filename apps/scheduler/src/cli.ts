// `scheduler check <file>`: reads a jobs file as the scheduler would and
// prints every problem (file:line: [section] key: message); exit 1 when a job
// would not load, as `ofelia validate` does.
import { readFileSync } from 'node:fs';
import { loadConfig } from './ini/loadConfig.js';
import { formatProblem } from './ini/problems.js';

const [command, file] = process.argv.slice(2);
if (command !== 'check' || file === undefined) {
  process.stderr.write('usage: scheduler check <jobs.ini>\n');
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
  process.exit(2);
}
const { config, problems } = loadConfig(text, { file });
for (const p of problems) process.stdout.write(`${p.severity}: ${formatProblem(p)}\n`);
process.stdout.write(`${config.jobs.length} jobs, ${config.webhooks.length} webhooks\n`);
process.exit(problems.some((p) => p.severity === 'error') ? 1 : 0);
