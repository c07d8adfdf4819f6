// An app's built server (dist/main.js) as a child process, for what only a
// real process shows: what it prints, signals, kill -9, exit codes, several
// instances side by side.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';

export interface AppProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (unless it has ended), then the exit code. */
  stop(): Promise<number | string>;
}

/** Spawns `node <mainFile>` with `env`, `LOG_LEVEL=warn` and a free PORT; resolves once it prints that it listens. */
export async function spawnApp(mainFile: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [mainFile], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const started = Date.now();
  while (!out.includes('listening on')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${mainFile} exited before listening:\n${out}`);
    }
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`${mainFile} did not listen within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
