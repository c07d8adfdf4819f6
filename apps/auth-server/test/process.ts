// The built server (dist/main.js) as a child process, for what only a real
// process can show: signals, kill -9, exit codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@perf/testing';
import { readDemoClient } from '../src/bootstrap.js';

const main = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly basic: string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  output(): string;
}

export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CLIENT_RATE_LIMIT: '1000000', // load tests are not about the rate limit
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const started = Date.now();
  while (!out.includes('listening on')) {
    if (child.exitCode !== null) throw new Error(`the server exited before listening:\n${out}`);
    if (Date.now() - started > 60_000) throw new Error(`the server did not listen within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const demo = readDemoClient(dataDir);
  if (demo === undefined) throw new Error('no demo client in the data folder');
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    basic: `Basic ${Buffer.from(`${demo.clientId}:${demo.secret}`).toString('base64')}`,
    exited,
    output: () => out,
  };
}

export interface Load {
  /** The jti of every token received so far. */
  readonly jtis: string[];
  /** Resolves once `count` requests were sent or the server stopped answering. */
  readonly done: Promise<string[]>;
  /** Resolves once at least `n` tokens were received. */
  received(n: number): Promise<void>;
}

/** Requests tokens with `concurrency` requests in flight until `count` were sent or the server stops answering. */
export function requestTokens(server: ServerProcess, count: number, concurrency: number): Load {
  const jtis: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      try {
        const res = await fetch(`${server.base}/oauth/token`, {
          method: 'POST',
          headers: { authorization: server.basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        if (res.status !== 200) continue;
        const { access_token } = (await res.json()) as { access_token: string };
        const claims = JSON.parse(Buffer.from(access_token.split('.')[1] as string, 'base64url').toString());
        jtis.push(claims.jti as string);
      } catch {
        return; // the server is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => jtis);
  return {
    jtis,
    done,
    async received(n) {
      while (jtis.length < n) {
        if (sent >= count) throw new Error(`only ${jtis.length} tokens of ${count} requests`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
