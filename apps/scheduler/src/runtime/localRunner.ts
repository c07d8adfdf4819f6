// job-local: the command as a child process of the scheduler (no shell, as
// in Ofelia), with the scheduler's environment plus the job's, in the job's
// directory. It leads a process group of its own, so that at max-runtime (or
// shutdown) the whole group is stopped, grandchildren included: SIGTERM, then
// SIGKILL after a grace period. stdout and stderr are captured as they come.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { LocalJob } from '../jobs/spec.js';
import { type AttemptOutcome, AttemptTimeout, type Runner } from './run.js';

export interface LocalRunnerOptions {
  /** Between SIGTERM and SIGKILL to the process group. Default 2 s. */
  readonly killGraceMs?: number;
  /** The environment jobs start from. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

export function localRunner(options: LocalRunnerOptions = {}): Runner<LocalJob> {
  const killGraceMs = options.killGraceMs ?? 2_000;
  const baseEnv = options.env ?? process.env;
  return ({ job, stop, output }) =>
    new Promise<AttemptOutcome>((resolve) => {
      if (job.dir !== undefined) {
        let isDir = false;
        try {
          isDir = statSync(job.dir).isDirectory();
        } catch {}
        if (!isDir) {
          resolve({ status: 'failed', exitCode: null, error: `working directory ${job.dir} does not exist (dir = …)` });
          return;
        }
      }
      const env: NodeJS.ProcessEnv = { ...baseEnv };
      for (const entry of job.environment) {
        const eq = entry.indexOf('=');
        env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      const [file, ...args] = job.argv as [string, ...string[]];
      const child = spawn(file, args, {
        cwd: job.dir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // a process group of its own: killed as a whole
      });
      let killTimer: NodeJS.Timeout | undefined;
      const stopGroup = () => {
        if (child.pid === undefined || child.exitCode !== null) return;
        signalGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), killGraceMs);
        killTimer.unref();
      };
      const unwatch = stop.watch(stopGroup);
      const write = (chunk: Buffer) => output.write(chunk);
      child.stdout.on('data', write);
      child.stderr.on('data', write);
      let spawnError: NodeJS.ErrnoException | undefined;
      child.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error;
      });
      child.once('close', (code, sig) => {
        unwatch();
        // The leader is gone; make sure nothing it started outlives the run when we stopped it.
        if (stop.aborted && child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
        clearTimeout(killTimer);
        if (spawnError !== undefined) {
          resolve({ status: 'failed', exitCode: null, error: describeSpawnError(spawnError, file) });
        } else if (stop.reason !== undefined) {
          const reason = stop.reason;
          resolve({
            status: reason instanceof AttemptTimeout ? 'timed-out' : 'failed',
            exitCode: code,
            error: `${reason.message}: the process group was stopped (SIGTERM, then SIGKILL after ${killGraceMs} ms)`,
          });
        } else if (code === 0) {
          resolve({ status: 'succeeded', exitCode: 0, error: null });
        } else if (code !== null) {
          resolve({ status: 'failed', exitCode: code, error: `exited with code ${code}` });
        } else {
          resolve({ status: 'failed', exitCode: null, error: `killed by ${sig}` });
        }
      });
    });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function describeSpawnError(error: NodeJS.ErrnoException, file: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `command not found: ${file} (not an executable in PATH or at that path)`;
    case 'EACCES':
      return `cannot execute ${file}: permission denied (is it executable?)`;
    default:
      return `cannot start ${file}: ${error.message}`;
  }
}
