// Every git process this server starts goes through one bulkhead (a
// @perf/circuit-breaker with maxConcurrent and maxQueue): at most
// GIT_PROCESSES run at once, up to GIT_QUEUE more wait, the rest are turned
// away at once (503) instead of piling up memory; and when git cannot be
// started at all (binary missing, out of processes or descriptors) the circuit
// opens and requests fail fast until a trial spawn works again. The processes
// themselves are started by the git launcher (launcher.ts).
import type { BufferPool, OutputBuffer } from '@perf/buffer-pool';
import { CircuitBreaker, ConsecutiveFailures } from '@perf/circuit-breaker';
import type { GitChild, GitLauncher } from './launcherClient.js';
import type { PooledReader } from './pooledReader.js';

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
  /** Started by the server before its heap grows (see launcher.ts). */
  readonly launcher: GitLauncher;
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
  readonly #launcher: GitLauncher;
  readonly #binary: string;
  readonly #pool: BufferPool;

  constructor(options: GitProcessesOptions) {
    this.#binary = options.binary;
    this.#pool = options.pool;
    this.#launcher = options.launcher;
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
    session: (child: GitChild, stderr: () => string) => Promise<T>,
  ): Promise<T> {
    return this.breaker.execute(async () => {
      const child = await this.#spawn(args, env);
      const err = this.#pool.output({ maxBytes: STDERR_BYTES });
      child.stderr.on('data', (chunk: Buffer) => err.write(chunk));
      try {
        return await session(child, () => err.toString());
      } finally {
        if (!child.exited) child.kill('SIGKILL');
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
        const [code] = await Promise.all([child.exit, captureInto(child.stdout, out)]);
        return { code, stdout: out.toString(), truncated: out.truncated, stderr: stderr() };
      } finally {
        out.release();
      }
    });
  }

  async #spawn(args: readonly string[], env: Readonly<Record<string, string>>): Promise<GitChild> {
    try {
      return await this.#launcher.spawn(this.#binary, args, childEnvironment(env));
    } catch (error) {
      throw new GitSpawnError(`cannot start ${this.#binary}: ${(error as Error).message}`);
    }
  }

  /** Stops taking git requests (queued ones are handed back) and waits for the running ones. */
  close(): Promise<void> {
    return this.breaker.close();
  }
}

/** Copies all of git's output into `out` (bounded: past its maxBytes it is cut, and the rest read and dropped). */
export async function captureInto(reader: PooledReader, out: OutputBuffer): Promise<void> {
  for await (const chunk of reader) {
    out.write(chunk.bytes);
    chunk.release();
  }
}
