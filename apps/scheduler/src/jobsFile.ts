// The jobs file: read and checked at start. With the default path and no
// file yet, the example is copied there first, so `npm start` has jobs to
// show with nothing set up.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from './config.js';
import { type LoadedConfig, loadConfig } from './ini/loadConfig.js';

/** The example configuration shipped with the app (src/ and dist/ are both one level below it). */
export const EXAMPLE_FILE = fileURLToPath(new URL('../example/scheduler.ini', import.meta.url));

export class JobsFileError extends Error {
  override readonly name = 'JobsFileError';
  readonly code = 'SCHEDULER_JOBS_FILE';
}

export function readJobsFile(config: AppConfig, nowMs = Date.now()): LoadedConfig {
  const file = config.configFile;
  if (!existsSync(file)) {
    if (!config.configFileIsDefault) {
      throw new JobsFileError(
        `CONFIG_FILE ${file} does not exist: create it or unset CONFIG_FILE to start from the example`,
      );
    }
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(EXAMPLE_FILE, file);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new JobsFileError(`cannot read the jobs file ${file}: ${(error as Error).message}`);
  }
  return loadConfig(text, { file, nowMs });
}
