// Every git process this server starts goes through one bulkhead (a
// @perf/circuit-breaker with maxConcurrent and maxQueue): at most
// GIT_PROCESSES run at once, up to GIT_QUEUE more wait, the rest are turned
// away at once (503) instead of piling up memory; and when git cannot be
// started at all (binary missing, out of processes or descriptors) the circuit
// opens and requests fail fast until a trial spawn works again.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { BufferPool, OutputBuffer } from '@perf/buffer-pool';
import { CircuitBreaker, ConsecutiveFailures } from '@perf/circuit-breaker';

/** git could not be started (not a git failure: those are exit codes). */
export class GitSpawnError extends Error {
  override readonly name = 'GitSpawnError';
}

export interface GitProcessesOptions {
  readonly binary: string;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** Where stderr and short commands' output are captured. */
  readonly pool: BufferPool;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  /** stdout was longer than `maxBytes` and was cut. */
  readonly truncated: boolean;
  readonly stderr: string;
}

/** What git children see: nothing of the server's own git configuration or GIT_* variables. */
function childEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  // The server's behaviour is set by its own -c flags, not by whoever runs it.
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  return { ...env, ...extra };
}

const STDERR_BYTES = 16 * 1024;

export class GitProcesses {
  readonly breaker: CircuitBreaker;
  readonly #binary: string;
  readonly #pool: BufferPool;

  constructor(options: GitProcessesOptions) {
    this.#binary = options.binary;
    this.#pool = options.pool;
    this.breaker = new CircuitBreaker({
      name: 'git',
      strategy: new ConsecutiveFailures(5),
      halfOpenAfterMs: 2_000,
      maxConcurrent: options.maxConcurrent,
      maxQueue: options.maxQueue,
      isFailure: (error) => error instanceof GitSpawnError,
    });
  }

  /**
   * Starts `git args` in a slot and hands it to `session`, which owns its
   * streams; the slot is freed when `session` settles (it must wait for the
   * child to exit). Rejects with BulkheadFullError / BreakerOpenError without
   * starting anything.
   */
  session<T>(
    args: readonly string[],
    env: Readonly<Record<string, string>>,
    session: (child: ChildProcessWithoutNullStreams, stderr: () => string) => Promise<T>,
  ): Promise<T> {
    return this.breaker.execute(async () => {
      const child = await this.#spawn(args, env);
      const err = this.#pool.output({ maxBytes: STDERR_BYTES });
      child.stderr.on('data', (chunk: Buffer) => err.write(chunk));
      try {
        return await session(child, () => err.toString());
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        err.release();
      }
    });
  }

  /** A bounded capture of output in pooled memory; `release()` it when done. */
  output(maxBytes: number): OutputBuffer {
    return this.#pool.output({ maxBytes });
  }

  /** Runs a short command to completion; stdout is kept up to `maxBytes`. */
  run(args: readonly string[], options: { maxBytes?: number } = {}): Promise<RunResult> {
    return this.session(args, {}, async (child, stderr) => {
      child.stdin.end();
      const out = this.#pool.output({ maxBytes: options.maxBytes ?? 1024 * 1024 });
      try {
        const [code] = await Promise.all([exitOf(child), out.writeFrom(child.stdout)]);
        return { code, stdout: out.toString(), truncated: out.truncated, stderr: stderr() };
      } finally {
        out.release();
      }
    });
  }

  #spawn(args: readonly string[], env: Readonly<Record<string, string>>): Promise<ChildProcessWithoutNullStreams> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#binary, args, { env: childEnvironment(env), stdio: 'pipe' });
      const onError = (error: Error) => reject(new GitSpawnError(`cannot start ${this.#binary}: ${error.message}`));
      child.once('error', onError);
      child.once('spawn', () => {
        child.off('error', onError);
        // Errors after the start (a pipe closed early) surface through the streams and the exit code.
        child.on('error', () => {});
        resolve(child);
      });
    });
  }
}

/** The exit code (128 + n for a signal, as a shell reports it). */
export function exitOf(child: ChildProcessWithoutNullStreams): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(128 + signalNumber(child.signalCode));
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal ?? 'SIGKILL'))),
  );
}

const signalNumber = (signal: NodeJS.Signals): number => (signal === 'SIGTERM' ? 15 : signal === 'SIGPIPE' ? 13 : 9);
