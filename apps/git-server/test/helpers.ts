// A git server on loopback for one test file (a fresh data folder, the
// embedded database unless DATABASE_URL is given, port 0), an issuer of
// access tokens whose public key the server trusts, and the real git CLI
// with nothing of the machine's own git configuration.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, type Signer } from '@perf/jwt-cache';
import { seededRandom } from '@perf/testing';
import { readConfig } from '../src/config.js';
import { createGitServer, type GitServer } from '../src/server.js';
import { seedEmbeddedDatabase } from './embedded.js';

export const GIT = '/usr/bin/git';

export interface TestIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public JWKS file (AUTH_PUBLIC_KEY_FILE). */
  readonly keyFile: string;
  readonly jwks: { keys: Record<string, unknown>[] };
  /** An RFC 9068 access token for `sub`; `scope` defaults to `git:read git:write`. */
  token(sub: string, claims?: Record<string, unknown>): string;
  readonly signer: Signer;
  readonly privateKey: KeyObject;
  readonly kid: string;
}

/** Tokens signed with a fresh ES256 key, as the auth server issues them; `now` (ms) dates them. */
export async function testIssuer(
  dir: string,
  issuer = 'https://auth.test',
  now: () => number = Date.now,
): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] };
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `jwks-${kid}.json`);
  writeFileSync(keyFile, JSON.stringify(jwks));
  const signer = await createSigner({ key: privateKey, alg: 'ES256', kid, typ: 'at+jwt' });
  const audience = 'urn:perf:git';
  return {
    issuer,
    audience,
    keyFile,
    jwks,
    signer,
    privateKey,
    kid,
    token(sub, claims = {}) {
      const seconds = Math.floor(now() / 1000);
      return signer.sign({
        iss: issuer,
        sub,
        aud: audience,
        client_id: sub,
        scope: 'git:read git:write',
        jti: randomUUID(),
        iat: seconds,
        exp: seconds + 600,
        ...claims,
      });
    },
  };
}

/** A JWKS endpoint on loopback, as the auth server publishes one; `set(undefined)` makes it answer 503. */
export async function jwksEndpoint(initial: { keys: unknown[] } | undefined) {
  let jwks = initial;
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    if (jwks === undefined) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=60' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    set(next: { keys: unknown[] } | undefined) {
      jwks = next;
    },
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Running {
  readonly server: GitServer;
  readonly base: string;
  readonly dataDir: string;
  /** A JSON API call; `token` as Bearer. */
  api(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Creates a repository through the API as `owner`. */
  createRepo(owner: string, name: string, options?: { public?: boolean }): Promise<void>;
  grant(asAdmin: string, name: string, subject: string, role: string): Promise<void>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  readonly env?: Record<string, string>;
  /** A data folder to start from (a restart); default: a new one. */
  readonly dataDir?: string;
  /** The token verifier's clock. */
  readonly now?: () => number;
}

/**
 * A server trusting `issuer`'s key file (AUTH_PUBLIC_KEY_FILE, unless the env names a JWKS URL), or,
 * with `null`, only what `options.env` configures (e.g. a real auth server's issuer).
 */
export async function startGitServer(issuer: TestIssuer | null, options: StartOptions = {}): Promise<Running> {
  const { env = {}, dataDir, now } = options;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'git-server-'));
  if (env.DATABASE_URL === undefined) await seedEmbeddedDatabase(dir);
  const trust =
    issuer === null
      ? {}
      : {
          AUTH_ISSUER: issuer.issuer,
          AUTH_AUDIENCE: issuer.audience,
          ...(env.AUTH_JWKS_URL === undefined ? { AUTH_PUBLIC_KEY_FILE: issuer.keyFile } : {}),
        };
  const config = readConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', ...trust, ...env });
  const server = await createGitServer(config, { logger: false, ...(now ? { now } : {}) });
  const base = await server.listen();
  const api: Running['api'] = async (method, path, token, body) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    server,
    base,
    dataDir: dir,
    api,
    async createRepo(owner, name, options = {}) {
      if (issuer === null) throw new Error('createRepo needs a test issuer');
      const res = await api('POST', '/api/repos', issuer.token(owner), { name, public: options.public ?? false });
      if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async grant(asAdmin, name, subject, role) {
      if (issuer === null) throw new Error('grant needs a test issuer');
      const res = await api('PUT', `/api/repos/${name}/roles/${subject}`, issuer.token(asAdmin), { role });
      if (res.status !== 200) throw new Error(`grant ${role} on ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface GitOptions {
  readonly cwd?: string;
  readonly token?: string;
  /** Give the token only when the server asks (401), through a credential helper. */
  readonly prompted?: boolean;
  readonly env?: Record<string, string>;
  readonly input?: string;
}

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The git CLI with a home of its own: no global or system configuration, no prompts, fixed identities and dates. */
export class GitCli {
  readonly home: string;

  constructor(home: string) {
    this.home = home;
    mkdirSync(home, { recursive: true });
  }

  /**
   * Runs git asynchronously (the server under test runs in this process). `token` goes as
   * Basic credentials: sent up front (http.extraHeader), or with `prompted` through a
   * credential helper that git asks after the server's 401, as a user's would.
   */
  run(args: readonly string[], options: GitOptions = {}) {
    const auth =
      options.token === undefined
        ? []
        : options.prompted
          ? [
              '-c',
              'credential.helper=',
              '-c',
              `credential.helper=!f() { echo username=x-token; echo password=${options.token}; }; f`,
            ]
          : ['-c', `http.extraHeader=Authorization: ${basic(options.token)}`];
    return new Promise<GitResult>((resolve) => {
      const child = execFile(
        GIT,
        [...auth, ...args],
        {
          cwd: options.cwd ?? this.home,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: this.home,
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_TERMINAL_PROMPT: '0',
            GIT_AUTHOR_NAME: 'Ada',
            GIT_AUTHOR_EMAIL: 'ada@example.com',
            GIT_COMMITTER_NAME: 'Ada',
            GIT_COMMITTER_EMAIL: 'ada@example.com',
            ...options.env,
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      // git may exit before reading its input (or not read it at all): a closed pipe is not an error here.
      child.stdin?.on('error', () => {});
      if (options.input === undefined) child.stdin?.end();
      else child.stdin?.end(options.input);
    });
  }

  /** Runs git and throws with its stderr when it fails. */
  async ok(args: readonly string[], options: GitOptions = {}) {
    const r = await this.run(args, options);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    return r.stdout;
  }

  /** A new working repository with one commit per entry of `commits` (file name → content). */
  async workTree(name: string, commits: readonly Record<string, string>[]): Promise<string> {
    const dir = join(this.home, name);
    await this.ok(['init', '--quiet', '--initial-branch=main', dir]);
    for (const [i, files] of commits.entries()) await this.commit(dir, files, `commit ${i + 1}`);
    return dir;
  }

  /**
   * `count` commits made in one `git fast-import` (one process instead of a few per commit), each
   * changing `file`; with `branches`, commit i is also the tip of branch `b<i>`.
   */
  async importCommits(dir: string, count: number, options: { file?: string; branches?: boolean } = {}) {
    const file = options.file ?? 'n.txt';
    let script = '';
    for (let i = 1; i <= count; i++) {
      const content = `${i}\n`;
      const message = `c${i}`;
      script += `commit refs/heads/main\nmark :${i}\ncommitter Ada <ada@example.com> ${1_700_000_000 + i} +0000\n`;
      script += `data ${message.length}\n${message}\n${i > 1 ? `from :${i - 1}\n` : ''}`;
      script += `M 644 inline ${file}\ndata ${content.length}\n${content}\n`;
      if (options.branches) script += `reset refs/heads/b${i}\nfrom :${i}\n\n`;
    }
    await this.ok(['fast-import', '--quiet'], { cwd: dir, input: script });
    await this.ok(['reset', '--quiet', '--hard', 'main'], { cwd: dir });
  }

  async commit(dir: string, files: Record<string, string>, message: string): Promise<string> {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    await this.ok(['add', '--all'], { cwd: dir });
    await this.ok(['commit', '--quiet', '-m', message], { cwd: dir });
    return (await this.ok(['rev-parse', 'HEAD'], { cwd: dir })).trim();
  }
}

/** A GET whose path is sent exactly as given (fetch would normalise `..` and `%2e%2e`). */
export function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `n` seeded random bytes (incompressible: git packs them as they are). */
export function noise(seed: number, n: number): Buffer {
  const random = seededRandom(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i + 4 <= n; i += 4) b.writeUInt32LE((random() * 0x1_0000_0000) >>> 0, i);
  for (let i = n - (n % 4); i < n; i++) b[i] = (random() * 256) | 0;
  return b;
}

export const basic = (token: string): string => `Basic ${Buffer.from(`x-token:${token}`).toString('base64')}`;
