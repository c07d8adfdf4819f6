// The example jobs file that `npm start` copies on a first start loads
// without a problem (a warning there would greet every new user).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadConfig } from '../src/ini/loadConfig.js';
import { EXAMPLE_FILE } from '../src/jobsFile.js';

it('example/scheduler.ini loads its three jobs with no problem', () => {
  const { config, problems } = loadConfig(readFileSync(EXAMPLE_FILE, 'utf8'), { file: EXAMPLE_FILE, env: {} });
  expect(problems).toEqual([]);
  expect(config.jobs.map((j) => [j.name, j.type, j.schedule.text])).toEqual([
    ['hello', 'local', '@every 30s'],
    ['self-check', 'http', '0 * * * * *'],
    ['report', 'local', '@triggered'],
  ]);
  expect(config.jobs.find((j) => j.name === 'self-check')).toMatchObject({ url: 'http://127.0.0.1:4002/healthz' });
});
