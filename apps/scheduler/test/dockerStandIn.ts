// A stand-in for the Docker daemon, on a unix socket, for the tests and the
// benchmark (no daemon may run on these machines). It answers the Engine API
// endpoints the client uses the way dockerd (a Go net/http server) writes
// them on the wire: header order and names (sorted handler headers, then Date
// and Content-Length or Transfer-Encoding), JSON bodies with Go's trailing
// newline, `{"message": …}` errors with the daemon's texts and statuses,
// chunked streams for logs, wait and pull, and for exec start the hijacked
// connection (`HTTP/1.1 200 OK` and the raw stream until the connection
// closes) carrying 8-byte multiplexed frame headers. Commands do not really
// run: a few shell forms are interpreted (echo, echo … >&2, exit N, sleep N,
// separated by ;), others are "not found", and a test can script any command.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameHeader, type StreamKind } from '../src/docker/multiplexedStream.js';

export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a command does inside a container: output frames, then an exit code, after a delay. */
export interface Behaviour {
  readonly output: readonly (readonly [Exclude<StreamKind, 'stdin'>, string | Buffer])[];
  readonly exitCode: number;
  readonly delayMs?: number;
}

interface Container {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly cmd: readonly string[];
  readonly tty: boolean;
  running: boolean;
  exitCode: number;
  logs: (readonly [Exclude<StreamKind, 'stdin'>, Buffer])[];
  waiters: ((code: number) => void)[];
  timer: NodeJS.Timeout | undefined;
}

interface Exec {
  readonly id: string;
  readonly container: Container;
  readonly cmd: readonly string[];
  readonly tty: boolean;
  running: boolean;
  exitCode: number | null;
}

export interface StandIn {
  readonly socketPath: string;
  /** `unix://<socketPath>`, for DOCKER_HOST. */
  readonly host: string;
  readonly requests: StandInRequest[];
  /** The API version /_ping announces. */
  apiVersion: string;
  /** Milliseconds to wait before answering a request (slow answers); 0 by default. */
  delay: (req: StandInRequest) => number;
  /** Splits every stream into chunks of at most this many bytes (1 cuts every frame header apart). */
  chunkBytes: number;
  /** Overrides what a command does (return undefined for the built-in behaviour). */
  script: (cmd: readonly string[]) => Behaviour | undefined;
  /** Adds a running container (for exec jobs). */
  addContainer(name: string, options?: { running?: boolean; image?: string }): string;
  hasContainer(idOrName: string): boolean;
  readonly images: Set<string>;
  /** Connections accepted so far (a pooled client reuses them). */
  connections(): number;
  close(): Promise<void>;
}

const SERVER = 'Docker/26.1.4 (linux)';
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
};

/** The built-in command interpreter. */
export function interpret(cmd: readonly string[]): Behaviour {
  const [file, ...args] = cmd;
  if (file === 'echo') return { output: [['stdout', `${args.join(' ')}\n`]], exitCode: 0 };
  if (file === 'true') return { output: [], exitCode: 0 };
  if (file === 'sleep') return { output: [], exitCode: 0, delayMs: Number(args[0]) * 1000 };
  if ((file === 'sh' || file === '/bin/sh') && args[0] === '-c' && args[1] !== undefined) {
    const output: [Exclude<StreamKind, 'stdin'>, string][] = [];
    let delayMs = 0;
    for (const statement of args[1].split(';').map((s) => s.trim())) {
      const echo = /^echo (.*?)( >&2)?$/.exec(statement);
      const exit = /^exit (\d+)$/.exec(statement);
      const sleep = /^sleep (\d+(?:\.\d+)?)$/.exec(statement);
      if (echo !== null) output.push([echo[2] === undefined ? 'stdout' : 'stderr', `${echo[1]}\n`]);
      else if (exit !== null) return { output, exitCode: Number(exit[1]), delayMs };
      else if (sleep !== null) delayMs += Number(sleep[1]) * 1000;
      else if (statement !== '') {
        output.push(['stderr', `sh: ${statement.split(' ')[0]}: not found\n`]);
        return { output, exitCode: 127, delayMs };
      }
    }
    return { output, exitCode: 0, delayMs };
  }
  return { output: [], exitCode: -1 }; // -1: "executable file not found", answered by the caller
}

const notFoundText = (file: string) =>
  `OCI runtime exec failed: exec failed: unable to start container process: exec: "${file}": executable file not found in $PATH: unknown`;

export async function startDockerStandIn(): Promise<StandIn> {
  const socketPath = join(mkdtempSync(join(tmpdir(), 'docker-stand-in-')), 'docker.sock');
  const containers = new Map<string, Container>();
  const execs = new Map<string, Exec>();
  const requests: StandInRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const self: StandIn = {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    apiVersion: '1.45',
    delay: () => 0,
    chunkBytes: Number.POSITIVE_INFINITY,
    script: () => undefined,
    images: new Set(['alpine:3.19', 'busybox:latest']),
    addContainer(name, options = {}) {
      const c = newContainer(name, options.image ?? 'alpine:3.19', ['sleep', 'infinity'], false);
      c.running = options.running ?? true;
      return c.id;
    },
    hasContainer: (ref) => find(ref) !== undefined,
    connections: () => accepted,
    close: async () => {
      for (const c of containers.values()) clearTimeout(c.timer);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function newContainer(name: string, image: string, cmd: readonly string[], tty: boolean): Container {
    const id = randomBytes(32).toString('hex');
    const c: Container = {
      id,
      name,
      image,
      cmd,
      tty,
      running: false,
      exitCode: 0,
      logs: [],
      waiters: [],
      timer: undefined,
    };
    containers.set(id, c);
    return c;
  }
  function find(ref: string): Container | undefined {
    const byId = containers.get(ref);
    if (byId !== undefined) return byId;
    for (const c of containers.values())
      if (c.name === ref || c.name === `/${ref}` || (ref.length >= 12 && c.id.startsWith(ref))) return c;
    return undefined;
  }
  function behaviour(cmd: readonly string[]): Behaviour {
    return self.script(cmd) ?? interpret(cmd);
  }
  function stop(c: Container, code: number) {
    clearTimeout(c.timer);
    c.running = false;
    c.exitCode = code;
    for (const w of c.waiters.splice(0)) w(code);
  }

  // --- the wire -------------------------------------------------------------
  const dateNow = () => new Date().toUTCString();
  /** Status line, the handler's headers sorted (as Go writes them), then Date and the framing header. */
  function head(status: number, headers: Record<string, string>, framing: string): string {
    const all: Record<string, string> = {
      'Api-Version': self.apiVersion,
      'Docker-Experimental': 'false',
      Ostype: 'linux',
      Server: SERVER,
      ...headers,
    };
    const lines = Object.keys(all)
      .sort()
      .map((k) => `${k}: ${all[k]}\r\n`);
    return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\n${lines.join('')}Date: ${dateNow()}\r\n${framing}\r\n`;
  }
  const json = (socket: Socket, status: number, value: unknown) => {
    const body = `${JSON.stringify(value)}\n`; // Go's json.Encoder ends with a newline
    socket.write(
      head(status, { 'Content-Type': 'application/json' }, `Content-Length: ${Buffer.byteLength(body)}\r\n`) + body,
    );
  };
  const noContent = (socket: Socket, status = 204) => socket.write(head(status, {}, ''));
  const error = (socket: Socket, status: number, message: string) => json(socket, status, { message });
  /** A chunked stream; each write is sent in pieces of at most chunkBytes. */
  function chunked(socket: Socket, contentType: string) {
    socket.write(head(200, { 'Content-Type': contentType }, 'Transfer-Encoding: chunked\r\n'));
    return {
      write(data: Buffer) {
        for (let at = 0; at < data.length; at += Math.min(self.chunkBytes, data.length)) {
          const piece = data.subarray(at, at + Math.min(self.chunkBytes, data.length));
          if (!socket.destroyed)
            socket.write(`${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`, 'latin1');
        }
      },
      end(): void {
        if (!socket.destroyed) socket.write('0\r\n\r\n');
      },
    };
  }
  const frame = (kind: Exclude<StreamKind, 'stdin'>, data: Buffer) =>
    Buffer.concat([frameHeader(kind, data.length), data]);

  // --- the endpoints --------------------------------------------------------
  function ping(socket: Socket): void {
    const headers = {
      'Builder-Version': '2',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
    };
    socket.write(`${head(200, headers, 'Content-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n')}OK`);
  }

  function pull(socket: Socket, url: URL): void {
    const from = url.searchParams.get('fromImage') ?? '';
    const image = `${from}:${url.searchParams.get('tag') ?? 'latest'}`;
    if (image.startsWith('nope') || image.includes('does-not-exist')) {
      const text = `pull access denied for ${from}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
      error(socket, 404, text);
      return;
    }
    const out = chunked(socket, 'application/json');
    out.write(
      Buffer.from(`${JSON.stringify({ status: `Pulling from library/${from}`, id: url.searchParams.get('tag') })}\r\n`),
    );
    out.write(Buffer.from(`${JSON.stringify({ status: `Status: Downloaded newer image for ${image}` })}\r\n`));
    self.images.add(image);
    out.end();
  }

  function create(socket: Socket, url: URL, body: Record<string, unknown>): void {
    const image = String(body.Image ?? '');
    const name = url.searchParams.get('name') ?? `container-${containers.size}`;
    if (!self.images.has(image) && !self.images.has(`${image}:latest`)) {
      error(socket, 404, `No such image: ${image}`);
      return;
    }
    for (const c of containers.values()) {
      if (c.name === `/${name}`) {
        const text = `Conflict. The container name "/${name}" is already in use by container "${c.id}". You have to remove (or rename) that container to be able to reuse that name.`;
        error(socket, 409, text);
        return;
      }
    }
    const c = newContainer(`/${name}`, image, (body.Cmd as string[] | undefined) ?? ['sh'], Boolean(body.Tty));
    json(socket, 201, { Id: c.id, Warnings: [] });
  }

  function containerCall(
    socket: Socket,
    req: StandInRequest,
    url: URL,
    version: string,
    c: Container,
    action: string | undefined,
  ): void {
    const body = req.body === '' ? {} : (JSON.parse(req.body) as Record<string, unknown>);
    if (action === undefined && req.method === 'DELETE') {
      if (c.running && url.searchParams.get('force') !== '1') {
        error(
          socket,
          409,
          `cannot remove container "${c.name}": container is running: stop the container before removing or force remove`,
        );
        return;
      }
      stop(c, 137);
      containers.delete(c.id);
      noContent(socket);
    } else if (action === 'start') {
      if (c.running) {
        noContent(socket, 304);
        return;
      }
      const b = behaviour(c.cmd);
      if (b.exitCode === -1) {
        const text = `failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${c.cmd[0]}": executable file not found in $PATH: unknown`;
        error(socket, 400, text);
        return;
      }
      c.running = true;
      c.logs = b.output.map(([k, d]) => [k, Buffer.from(d)] as const);
      c.timer = setTimeout(() => stop(c, b.exitCode), b.delayMs ?? 0);
      noContent(socket);
    } else if (action === 'wait') {
      const out = chunked(socket, 'application/json'); // headers flushed at once, as dockerd does
      const answer = (code: number) => {
        out.write(Buffer.from(`${JSON.stringify({ StatusCode: code })}\n`));
        out.end();
      };
      if (url.searchParams.get('condition') !== 'next-exit' && !c.running) answer(c.exitCode);
      else c.waiters.push(answer);
    } else if (action === 'kill') {
      if (!c.running) {
        error(socket, 409, `Cannot kill container: ${c.name.slice(1)}: Container ${c.id} is not running`);
        return;
      }
      stop(c, 137);
      noContent(socket);
    } else if (action === 'logs') {
      const multiplexed = !c.tty && Number(version.split('.')[1]) >= 42;
      const out = chunked(
        socket,
        multiplexed ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream',
      );
      const wanted = {
        stdout: url.searchParams.get('stdout') === '1',
        stderr: url.searchParams.get('stderr') === '1',
        'system-error': true,
      };
      for (const [kind, data] of c.logs) if (wanted[kind]) out.write(c.tty ? data : frame(kind, data));
      out.end();
    } else if (action === 'exec' && req.method === 'POST') {
      if (!c.running) {
        error(socket, 409, `Container ${c.id} is not running`);
        return;
      }
      const cmd = (body.Cmd as string[] | undefined) ?? [];
      if (cmd.length === 0) {
        error(socket, 400, 'No exec command specified');
        return;
      }
      const e: Exec = {
        id: randomBytes(32).toString('hex'),
        container: c,
        cmd,
        tty: Boolean(body.Tty),
        running: false,
        exitCode: null,
      };
      execs.set(e.id, e);
      json(socket, 201, { Id: e.id });
    } else error(socket, 404, 'page not found');
  }

  function inspectExec(socket: Socket, e: Exec): void {
    json(socket, 200, {
      CanRemove: false,
      ContainerID: e.container.id,
      DetachKeys: '',
      ExitCode: e.exitCode,
      ID: e.id,
      OpenStderr: true,
      OpenStdin: false,
      OpenStdout: true,
      ProcessConfig: { arguments: e.cmd.slice(1), entrypoint: e.cmd[0], privileged: false, tty: e.tty },
      Running: e.running,
      Pid: 4242,
    });
  }

  /** Hijacked: the status line, Content-Type, the handler's headers, then the raw stream until the connection closes. */
  function startExec(socket: Socket, req: StandInRequest, e: Exec): void {
    const upgrade = req.headers.upgrade !== undefined;
    const type = upgrade && !e.tty ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
    const common = `Api-Version: ${self.apiVersion}\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: ${SERVER}\r\n`;
    socket.write(
      upgrade
        ? `HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${common}\r\n`
        : `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\n${common}\r\n`,
    );
    const send = (kind: Exclude<StreamKind, 'stdin'>, data: Buffer) => {
      const bytes = e.tty ? data : frame(kind, data);
      for (let at = 0; at < bytes.length; at += Math.min(self.chunkBytes, bytes.length)) {
        if (!socket.destroyed) socket.write(bytes.subarray(at, at + Math.min(self.chunkBytes, bytes.length)));
      }
    };
    const b = behaviour(e.cmd);
    e.running = true;
    if (b.exitCode === -1) {
      // dockerd writes the start error into the stream (as stdout) and records 127.
      send('stdout', Buffer.from(`${notFoundText(e.cmd[0] ?? '')}\r\n`));
      e.running = false;
      e.exitCode = 127;
      socket.end();
      return;
    }
    for (const [kind, data] of b.output) send(kind, Buffer.from(data));
    const finish = () => {
      e.running = false;
      e.exitCode = b.exitCode;
      socket.end();
    };
    if ((b.delayMs ?? 0) === 0) {
      finish();
      return;
    }
    const t = setTimeout(finish, b.delayMs);
    socket.once('close', () => clearTimeout(t));
  }

  function route(socket: Socket, req: StandInRequest): void {
    const url = new URL(req.path, 'http://docker');
    if (url.pathname === '/_ping') {
      ping(socket);
      return;
    }
    const versioned = /^\/v(1\.\d+)(\/.*)$/.exec(url.pathname);
    if (versioned === null) {
      error(socket, 404, 'page not found');
      return;
    }
    const version = versioned[1] as string;
    const p = versioned[2] as string;
    const containerPath = /^\/containers\/([^/]+)(?:\/(start|wait|logs|kill|exec))?$/.exec(p);
    const execPath = /^\/exec\/([^/]+)\/(start|json)$/.exec(p);
    if (req.method === 'POST' && p === '/images/create') pull(socket, url);
    else if (req.method === 'POST' && p === '/containers/create')
      create(socket, url, req.body === '' ? {} : JSON.parse(req.body));
    else if (containerPath !== null) {
      const ref = decodeURIComponent(containerPath[1] as string);
      const c = find(ref);
      if (c === undefined) error(socket, 404, `No such container: ${ref}`);
      else containerCall(socket, req, url, version, c, containerPath[2]);
    } else if (execPath !== null) {
      const e = execs.get(execPath[1] as string);
      if (e === undefined) error(socket, 404, `No such exec instance: ${execPath[1]}`);
      else if (execPath[2] === 'json') inspectExec(socket, e);
      else startExec(socket, req, e);
    } else error(socket, 404, 'page not found');
  }

  // --- HTTP/1.1 requests on a connection, one after another -----------------
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    let busy = false;
    const pump = () => {
      if (busy) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headText = buffered.subarray(0, end).toString('latin1');
      const [requestLine, ...headerLines] = headText.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let bodyEnd = end + 4;
      let body = '';
      if (headers['transfer-encoding'] === 'chunked') {
        let at = end + 4;
        const parts: Buffer[] = [];
        for (;;) {
          const lineEnd = buffered.indexOf('\r\n', at);
          if (lineEnd < 0) return;
          const size = Number.parseInt(buffered.subarray(at, lineEnd).toString('latin1'), 16);
          if (buffered.length < lineEnd + 2 + size + 2) return;
          parts.push(buffered.subarray(lineEnd + 2, lineEnd + 2 + size));
          at = lineEnd + 2 + size + 2;
          if (size === 0) break;
        }
        bodyEnd = at;
        body = Buffer.concat(parts).toString();
      } else {
        const length = Number(headers['content-length'] ?? 0);
        if (buffered.length < end + 4 + length) return;
        bodyEnd = end + 4 + length;
        body = buffered.subarray(end + 4, bodyEnd).toString();
      }
      buffered = buffered.subarray(bodyEnd);
      const [method = '', path = ''] = (requestLine ?? '').split(' ');
      const req: StandInRequest = { method, path, headers, body };
      requests.push(req);
      busy = true;
      const answer = () => {
        busy = false;
        if (!socket.destroyed) {
          try {
            route(socket, req);
          } catch (err) {
            error(socket, 500, (err as Error).message);
          }
        }
        pump();
      };
      const ms = self.delay(req);
      if (ms > 0) setTimeout(answer, ms);
      else answer();
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return self;
}
