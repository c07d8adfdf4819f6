// The servers the clone benchmark compares, each a process tree of its own
// on loopback: this app (its built dist/main.js) and git http-backend behind
// nginx + fcgiwrap (Debian packages, installed with apt-get when running as
// root), plus what their processes hold in memory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner } from '@perf/jwt-cache';
import { ensureDebianPackages } from '@perf/testing';

const appDir = fileURLToPath(new URL('..', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error(`${what} did not start within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resident memory of processes and all their descendants, in bytes. Walks
 * /proc/<pid>/task/<tid>/children from the roots, so it reads only this tree
 * (it runs every 20 ms beside the clones and must stay cheap).
 */
export function treeRss(rootPids: readonly number[]): number {
  let total = 0;
  const stack = [...rootPids];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * 4096;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1').trim();
        if (children !== '') for (const c of children.split(' ')) stack.push(Number(c));
      }
    } catch {
      // the process ended while we read
    }
  }
  return total;
}

export interface Served {
  readonly base: string;
  /** Extra git arguments every clone from it needs (credentials). */
  readonly gitArgs: readonly string[];
  readonly pids: () => number[];
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * This app from its build, on the embedded database, with the repositories
 * created through its API and their contents hard-linked from `repos`.
 */
export async function startOurs(workDir: string, repos: Readonly<Record<string, string>>): Promise<Served> {
  const main = join(appDir, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npx turbo run build\` first`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(workDir, 'jwks.json');
  writeFileSync(
    keyFile,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256' }] }),
  );
  const signer = await createSigner({ key: privateKey, alg: 'ES256', kid: 'bench', typ: 'at+jwt' });
  const now = Math.floor(Date.now() / 1000);
  const token = signer.sign({
    iss: 'https://auth.bench',
    sub: 'bench',
    aud: 'urn:perf:api',
    client_id: 'bench',
    scope: 'git:read git:write',
    jti: randomUUID(),
    iat: now,
    exp: now + 86_400,
  });
  const port = await freePort();
  const dataDir = join(workDir, 'ours');
  const child = spawn(
    process.execPath,
    [...(process.env.ZZPROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), main],
    {
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        AUTH_ISSUER: 'https://auth.bench',
        AUTH_PUBLIC_KEY_FILE: keyFile,
        // The per-user rate limit stays on (in memory), sized never to refuse the bench's one user:
        // the default (300 requests a minute) would refuse part of the 50 concurrent clones' runs.
        USER_RATE_LIMIT: '1000000',
      },
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the git server', async () => (await fetch(`${base}/readyz`)).ok, child);
  for (const [name, source] of Object.entries(repos)) {
    const res = await fetch(`${base}/api/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
    const target = join(dataDir, 'repos', `${name}.git`);
    rmSync(target, { recursive: true, force: true });
    execFileSync('cp', ['-al', source, target]);
  }
  const basic = Buffer.from(`x-token:${token}`).toString('base64');
  return {
    base,
    gitArgs: ['-c', `http.extraHeader=Authorization: Basic ${basic}`],
    pids: () => (child.pid === undefined ? [] : [child.pid]),
    stop: () => stopChild(child),
  };
}

/** Why nginx + fcgiwrap cannot run here, or undefined once they are installed. */
export function ensureHttpBackend(): string | undefined {
  const needed = ['/usr/sbin/nginx', '/usr/sbin/fcgiwrap', '/usr/lib/git-core/git-http-backend'];
  if (ensureDebianPackages(needed, ['nginx', 'fcgiwrap'], (line) => console.log(`bench: ${line}`))) return undefined;
  return 'nginx and fcgiwrap are not installed and cannot be here (needs root and apt-get)';
}

/**
 * git http-backend as CGI through fcgiwrap behind nginx, the standard set-up
 * (the nginx recipe of git-http-backend(1)), serving `root` anonymously;
 * fcgiwrap gets as many workers as this app has git process slots (16).
 */
export async function startHttpBackend(workDir: string, root: string): Promise<Served> {
  const dir = join(workDir, 'nginx');
  for (const sub of ['body', 'fastcgi', 'proxy', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  const socket = join(dir, 'fcgiwrap.sock');
  const fcgiwrap = spawn('/usr/sbin/fcgiwrap', ['-c', '16', '-s', `unix:${socket}`], { stdio: 'ignore' });
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off;
worker_processes auto;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  fastcgi_temp_path ${dir}/fastcgi;
  proxy_temp_path ${dir}/proxy;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      client_max_body_size 0;
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param GIT_PROJECT_ROOT ${root};
      fastcgi_param PATH_INFO $uri;
      fastcgi_pass unix:${socket};
    }
  }
}
`,
  );
  const nginx = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('fcgiwrap', async () => existsSync(socket), fcgiwrap);
  await waitFor(
    'nginx',
    async () => (await fetch(`${base}/none.git/info/refs?service=git-upload-pack`)).status > 0,
    nginx,
  );
  return {
    base,
    gitArgs: [],
    pids: () => [nginx.pid, fcgiwrap.pid].filter((p): p is number => p !== undefined),
    async stop() {
      await Promise.all([stopChild(nginx, 'SIGQUIT'), stopChild(fcgiwrap)]);
    },
  };
}
