// The built server (dist/main.js) as a child process, for what only a real
// process can show: signals, kill -9, exit codes.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppProcess, spawnApp } from '@perf/testing';
import { readDemoClient } from '../src/bootstrap.js';

const main = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');

export interface ServerProcess extends AppProcess {
  /** The demo client's credentials as a Basic header. */
  readonly basic: string;
}

export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  // Load tests are not about the rate limit.
  const app = await spawnApp(main, { DATA_DIR: dataDir, CLIENT_RATE_LIMIT: '1000000', ...env });
  const demo = readDemoClient(dataDir);
  if (demo === undefined) throw new Error('no demo client in the data folder');
  return { ...app, basic: `Basic ${Buffer.from(`${demo.clientId}:${demo.secret}`).toString('base64')}` };
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
