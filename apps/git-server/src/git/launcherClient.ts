// The server's side of the git launcher (launcher.ts): forks it once, then
// starts each git process through it and gets back its stdio as sockets.
// A launcher that dies is forked again at the next start; what it was running
// fails as a spawn failure (the git circuit counts those).
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BufferPool } from '@perf/buffer-pool';
import { PooledReader } from './pooledReader.js';

/** A git process started by the launcher. */
export interface GitChild {
  readonly stdin: Writable;
  /** Read into pooled buffers (see pooledReader.ts). */
  readonly stdout: PooledReader;
  readonly stderr: Readable;
  /** The exit code (128 + n when a signal ended it). */
  readonly exit: Promise<number>;
  readonly exited: boolean;
  kill(signal?: NodeJS.Signals): void;
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

type Outbound =
  | { ready: true }
  | { id: string; spawned: number }
  | { id: string; error: string }
  | { id: string; exit: number | null; signal: NodeJS.Signals | null };

interface Waiting {
  spawned(): void;
  failed(error: Error): void;
  exited(code: number): void;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15, SIGINT: 2 };

// Built: dist/launcher.js beside dist/main.js. From source (tests): src/git/launcher.ts, run through tsx.
const here = import.meta.url;
const launcherFile = here.endsWith('.ts')
  ? fileURLToPath(new URL('./launcher.ts', here))
  : fileURLToPath(new URL('./launcher.js', here));
const execArgv = here.endsWith('.ts') ? ['--import', 'tsx'] : [];

export class GitLauncher {
  readonly #pool: BufferPool;
  readonly #waiting = new Map<string, Waiting>();
  #process: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  #path = '';
  #closed = false;
  #next = 0;
  readonly #prefix = randomBytes(4).toString('hex');

  /** `pool` lends the buffers git's stdout is read into. */
  constructor(pool: BufferPool) {
    this.#pool = pool;
  }

  /** The launcher's process id (undefined before it started or after it died). */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** Forks the launcher now (it is small only if forked before the server's heap grows). */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new LaunchError('the git launcher is closed'));
    this.#ready ??= this.#fork();
    return this.#ready;
  }

  #fork(): Promise<void> {
    // On Linux an abstract Unix socket (the name starts with NUL): no file to clean up. Elsewhere a
    // socket file in the temporary folder.
    const name = `perf-git-server-${process.pid}-${randomBytes(6).toString('hex')}`;
    const where = process.platform === 'linux' ? name : join(tmpdir(), `${name}.sock`);
    this.#path = process.platform === 'linux' ? `\0${name}` : where;
    const child = fork(launcherFile, [where], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.#process = child;
    return new Promise((resolve, reject) => {
      child.on('message', (m: Outbound) => {
        if ('ready' in m) {
          // From now on the launcher never keeps the server's process alive by itself.
          child.unref();
          child.channel?.unref();
          resolve();
        } else this.#dispatch(m);
      });
      child.once('error', (error) => reject(new LaunchError(`cannot start the git launcher: ${error.message}`)));
      child.once('exit', (code, signal) => {
        reject(new LaunchError(`the git launcher exited (${code ?? signal}) before it was ready`));
        this.#process = undefined;
        this.#ready = undefined; // the next spawn forks a new one
        // Processes not started yet fail; those running go on (their sockets are ours), but their
        // exit will never be reported: it is settled now, as unknown (255), so no request waits for it.
        const error = new LaunchError(`the git launcher exited (${code ?? signal})`);
        for (const w of this.#waiting.values()) {
          w.failed(error);
          w.exited(255);
        }
        this.#waiting.clear();
      });
    });
  }

  #dispatch(m: Exclude<Outbound, { ready: true }>): void {
    const w = this.#waiting.get(m.id);
    if (w === undefined) return;
    if ('spawned' in m) w.spawned();
    else if ('error' in m) {
      this.#waiting.delete(m.id);
      w.failed(new LaunchError(m.error));
    } else {
      this.#waiting.delete(m.id);
      w.exited(m.exit ?? 128 + (SIGNALS[m.signal ?? 'SIGKILL'] ?? 9));
    }
  }

  /** Starts `binary args` with `env`; resolves once it runs, with its stdio. */
  async spawn(binary: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<GitChild> {
    await this.start();
    const id = `${this.#prefix}${(this.#next++).toString(36)}`;
    const stdout = new PooledReader(this.#pool);
    const sockets = [0, 1, 2].map((fd) => this.#connect(id, fd, fd === 1 ? stdout : undefined));
    let exited = false;
    let onExit: (code: number) => void = () => {};
    const exit = new Promise<number>((resolve) => {
      onExit = (code) => {
        exited = true;
        resolve(code);
      };
    });
    try {
      await new Promise<void>((resolve, reject) => {
        this.#waiting.set(id, { spawned: resolve, failed: reject, exited: (code) => onExit(code) });
        this.#process?.send({ id, binary, args, env });
      });
    } catch (error) {
      for (const s of sockets) s.destroy();
      throw error;
    }
    const [stdin, out, stderr] = sockets as [Socket, Socket, Socket];
    // The stdout and stderr sockets are only read from, stdin only written to.
    stdin.on('error', () => {});
    out.end();
    stderr.end();
    return {
      stdin,
      stdout,
      stderr,
      exit,
      get exited() {
        return exited;
      },
      kill: (signal: NodeJS.Signals = 'SIGTERM') => {
        if (!exited) this.#process?.send({ id, kill: signal });
      },
    };
  }

  #connect(id: string, fd: number, reader?: PooledReader): Socket {
    const socket = connect(reader ? { path: this.#path, onread: reader.onread } : { path: this.#path });
    reader?.attach(socket);
    socket.write(`${id} ${fd}\n`);
    return socket;
  }

  /** Stops the launcher; git processes still running end when the server closes their sockets. */
  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#process;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.disconnect();
    });
  }
}
