// Starts each token server of the benchmark in a child process of its own (one
// process each, on loopback), and stops it. Ours is the built dist/main.js as a
// user runs it; the peers are the scripts in servers/, run with tsx.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnListening } from '@perf/testing';
import { DEMO_AUDIENCE, readDemoClient } from '../src/bootstrap.js';

/** The request every server answers in the benchmark: client_secret_basic, the demo client's scopes. */
export interface TokenRequest {
  readonly clientId: string;
  readonly secret: string;
  readonly audience: string;
  readonly scope: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface TokenServer {
  readonly name: string;
  readonly base: string;
  readonly tokenUrl: string;
  readonly jwksUrl: string;
  /** What the process printed (the last 20 KB), for error messages. */
  output(): string;
  /** SIGTERM (ours drains its token records), SIGKILL after 30 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** The demo client's scopes (bootstrap.ts registers it with read and write). */
const DEMO_SCOPE = 'read write';
const here = fileURLToPath(new URL('.', import.meta.url));
const exitWithParent = new URL('./servers/exitWithParent.mjs', import.meta.url).href;
const tsx = import.meta.resolve('tsx');
const OUTPUT_KEPT = 20_000;

async function startProcess(name: string, args: readonly string[], env: Record<string, string>): Promise<TokenServer> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.PERF_BENCH_OUT; // the runner's variables are for the bench process only
  delete childEnv.PERF_BENCH_GREP;
  const { child, base, exited, output } = await spawnListening(['--import', exitWithParent, ...args], childEnv, {
    keepOutputChars: OUTPUT_KEPT,
    ipc: true,
  });
  return {
    name,
    base,
    tokenUrl: `${base}/oauth/token`,
    jwksUrl: `${base}${name === 'ours' ? '/.well-known/jwks.json' : name === 'oidc-provider' ? '/jwks' : '/jwks.json'}`,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Ours: `node dist/main.js` on embedded defaults in a temporary data folder; its demo client is the benchmark's client. */
export async function startOurs(): Promise<{ server: TokenServer; request: TokenRequest }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const port = await freePort();
  let server: TokenServer;
  try {
    server = await startProcess('ours', [join(here, '..', 'dist', 'main.js')], {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      // One client sends every request: its rate limit must be above the load (the peers have none).
      CLIENT_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const demo = readDemoClient(dataDir);
  if (demo === undefined) {
    await server.stop();
    throw new Error(`ours registered no demo client in ${dataDir}:\n${server.output()}`);
  }
  const request: TokenRequest = {
    clientId: demo.clientId,
    secret: demo.secret,
    audience: DEMO_AUDIENCE,
    scope: DEMO_SCOPE,
    headers: {
      authorization: `Basic ${Buffer.from(`${demo.clientId}:${demo.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: DEMO_SCOPE }).toString(),
  };
  const stop = server.stop;
  return {
    server: {
      ...server,
      async stop() {
        await stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    },
    request,
  };
}

export type PeerName = 'oidc-provider' | 'bare jose' | 'ceiling';

const peerScripts: Record<PeerName, string> = {
  'oidc-provider': 'oidcProvider.ts',
  'bare jose': 'bareJose.ts',
  ceiling: 'ceiling.ts',
};

/** A peer server, given the same client, audience and scope as ours. */
export function startPeer(name: PeerName, request: TokenRequest): Promise<TokenServer> {
  return startProcess(name, ['--import', tsx, join(here, 'servers', peerScripts[name])], {
    BENCH_CLIENT_ID: request.clientId,
    BENCH_CLIENT_SECRET: request.secret,
    BENCH_AUDIENCE: request.audience,
    BENCH_SCOPE: request.scope,
  });
}
