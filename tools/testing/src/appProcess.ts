// An app's built server (dist/main.js), or any server script, as a child
// process, for what only a real process shows: what it prints, signals,
// kill -9, exit codes, several instances side by side, load from outside.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';

export interface ListeningProcess {
  readonly child: ChildProcess;
  /** The URL it printed after `listening on`. */
  readonly base: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** What it printed so far, stdout and stderr (the last `keepOutputChars` of it). */
  output(): string;
}

export interface ListeningOptions {
  /** Keep only the last this many characters of the output (a long load run prints a lot). Default: all of it. */
  readonly keepOutputChars?: number;
  /** Open an IPC channel to the child (for a preload that ends it when this process ends). */
  readonly ipc?: boolean;
}

/**
 * Spawns `node <args…>` with exactly `env`; resolves once it prints
 * `listening on <url>`. Throws with what it printed if it exits first, or
 * kills it and throws if that takes over 60 s.
 */
export async function spawnListening(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: ListeningOptions = {},
): Promise<ListeningProcess> {
  const keep = options.keepOutputChars ?? Number.POSITIVE_INFINITY;
  const child = spawn(process.execPath, args, {
    env,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > keep) out = out.slice(-keep);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const name = args.at(-1);
  const started = Date.now();
  for (;;) {
    const base = /listening on (https?:\/\/\S+)/.exec(out)?.[1];
    if (base !== undefined) return { child, base, exited, output: () => out };
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it listened (exit ${child.exitCode ?? child.signalCode}):\n${out}`);
    }
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not listen within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface AppProcess extends ListeningProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** SIGTERM (unless it has ended), then the exit code. */
  stop(): Promise<number | string>;
}

/** Spawns `node <mainFile>` with `env`, `LOG_LEVEL=warn` and a free PORT; resolves once it prints that it listens. */
export async function spawnApp(mainFile: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const app = await spawnListening([mainFile], { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env });
  const { child, exited } = app;
  return {
    ...app,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
