// A client of the Docker Engine API for the calls exec and run jobs make,
// over the daemon's unix socket or TCP, with the reference deployment's
// limits: an undici Pool of at most 100 connections to the daemon kept alive
// 90 s, 5 s to connect, 10 s to the response headers, 30 s for a whole
// request that is not a stream; and a circuit breaker (10 consecutive
// failures open it for 30 s; 200 requests at once). The API version is
// negotiated once through /_ping (or pinned by DOCKER_API_VERSION) and every
// path is prefixed with it, as the docker CLI does.
import {
  BreakerOpenError,
  type BreakerState,
  CircuitBreaker,
  ConsecutiveFailures,
  exceptClientErrors,
} from '@perf/circuit-breaker';
import type { Dispatcher } from 'undici';
import { Pool } from 'undici';

/** The newest API version this client speaks; a newer daemon is spoken to in it. */
export const CLIENT_API_VERSION = '1.45';
/** The oldest it accepts: exec with an environment needs 1.25. */
export const MIN_API_VERSION = '1.25';

export interface DockerClientOptions {
  /** `unix:///var/run/docker.sock`, `tcp://host:2375` or `http://host:2375`. */
  readonly host: string;
  /** Pins the version instead of asking /_ping. */
  readonly apiVersion?: string | undefined;
  readonly connections?: number;
  readonly keepAliveMs?: number;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly breaker?: { readonly failures?: number; readonly halfOpenAfterMs?: number; readonly maxConcurrent?: number };
  /** Called after each API request: its operation, outcome and time to the response headers. */
  readonly onRequest?: (operation: string, outcome: 'ok' | 'error' | 'rejected', seconds: number) => void;
  readonly now?: () => number;
}

/** An error the daemon answered with (`{"message": …}`), or one reaching it. */
export class DockerError extends Error {
  override readonly name = 'DockerError';
  readonly code: 'SCHEDULER_DOCKER_API' | 'SCHEDULER_DOCKER_UNREACHABLE' | 'SCHEDULER_DOCKER_VERSION';
  /** The HTTP status of an API error (4xx: the request's fault, never counted by the breaker). */
  readonly status: number | undefined;
  constructor(code: DockerError['code'], message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

interface Endpoint {
  readonly origin: string;
  readonly socketPath: string | undefined;
  readonly label: string;
}

export function parseDockerHost(host: string): Endpoint {
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    return { origin: 'http://localhost', socketPath, label: host };
  }
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return { origin: url.origin, socketPath: undefined, label: host };
}

const versionNumber = (v: string): number => {
  const [major, minor] = v.split('.').map(Number);
  return (major ?? 0) * 1000 + (minor ?? 0);
};

export interface Streamed {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown };
}

export class DockerClient {
  readonly endpoint: Endpoint;
  readonly #pool: Pool;
  readonly #breaker: CircuitBreaker;
  readonly #options: DockerClientOptions;
  #version: Promise<string> | undefined;

  constructor(options: DockerClientOptions) {
    this.#options = options;
    this.endpoint = parseDockerHost(options.host);
    this.#pool = new Pool(this.endpoint.origin, {
      connections: options.connections ?? 100,
      keepAliveTimeout: options.keepAliveMs ?? 90_000,
      keepAliveMaxTimeout: options.keepAliveMs ?? 90_000,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      // Streams (logs, exec output) may be silent as long as the job runs: bounded by the job's max-runtime instead.
      bodyTimeout: 0,
      connect: {
        timeout: options.connectTimeoutMs ?? 5_000,
        ...(this.endpoint.socketPath === undefined ? {} : { socketPath: this.endpoint.socketPath }),
      },
    });
    this.#breaker = new CircuitBreaker({
      name: 'docker',
      strategy: new ConsecutiveFailures(options.breaker?.failures ?? 10),
      halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? 30_000,
      maxConcurrent: options.breaker?.maxConcurrent ?? 200,
      isFailure: exceptClientErrors,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    if (options.apiVersion !== undefined) this.#version = Promise.resolve(options.apiVersion);
  }

  get breakerState(): BreakerState {
    return this.#breaker.state;
  }

  breakerStats() {
    return this.#breaker.stats();
  }

  /** The API version in use: the daemon's, or this client's newest if the daemon is newer. */
  apiVersion(): Promise<string> {
    if (this.#version === undefined) {
      const p = this.ping().then(({ apiVersion }) => {
        if (versionNumber(apiVersion) < versionNumber(MIN_API_VERSION)) {
          throw new DockerError(
            'SCHEDULER_DOCKER_VERSION',
            `the Docker daemon at ${this.endpoint.label} speaks API ${apiVersion}; this scheduler needs ${MIN_API_VERSION} or newer`,
          );
        }
        return versionNumber(apiVersion) < versionNumber(CLIENT_API_VERSION) ? apiVersion : CLIENT_API_VERSION;
      });
      // A failed negotiation is asked again next time (the daemon may come up).
      p.catch(() => {
        if (this.#version === p) this.#version = undefined;
      });
      this.#version = p;
    }
    return this.#version;
  }

  /** GET /_ping: the daemon's API version (1.24 when it does not say, as the docker CLI assumes) and OS. */
  async ping(): Promise<{ apiVersion: string; os: string | undefined }> {
    const res = await this.#send('ping', { method: 'GET', path: '/_ping' });
    await res.body.dump();
    const h = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return { apiVersion: h('api-version') ?? '1.24', os: h('ostype') };
  }

  /** A JSON request; resolves with the parsed answer (undefined for 204). */
  async json<T>(
    operation: string,
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const limitMs = this.#options.requestTimeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(limitMs);
    try {
      const res = await this.#send(operation, {
        method,
        path: `/v${await this.apiVersion()}${path}`,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
      if (res.statusCode === 204 || res.statusCode === 304) {
        await res.body.dump();
        return undefined as T;
      }
      return (await res.body.json()) as T;
    } catch (error) {
      if (timeout.aborted && !(signal?.aborted ?? false)) {
        throw new DockerError(
          'SCHEDULER_DOCKER_UNREACHABLE',
          `Docker ${operation}: no complete answer within ${limitMs} ms`,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /** A request whose answer is a stream (logs, wait, exec start, pull); the caller reads and closes the body. */
  async stream(
    operation: string,
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Streamed> {
    const res = await this.#send(operation, {
      method,
      path: `/v${await this.apiVersion()}${path}`,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      ...(signal === undefined ? {} : { signal }),
    });
    return res as unknown as Streamed;
  }

  /** Sends one request through the breaker up to its response headers; an error status becomes a DockerError. */
  async #send(operation: string, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    const started = performance.now();
    const report = (outcome: 'ok' | 'error' | 'rejected') =>
      this.#options.onRequest?.(operation, outcome, (performance.now() - started) / 1000);
    try {
      const res = await this.#breaker.execute(async () => {
        let r: Dispatcher.ResponseData;
        try {
          r = await this.#pool.request(options);
        } catch (error) {
          throw this.#unreachable(error, options.signal as AbortSignal | undefined);
        }
        if (r.statusCode >= 400) {
          let message = '';
          try {
            const text = await r.body.text();
            message = (JSON.parse(text) as { message?: string }).message ?? text;
          } catch {}
          throw new DockerError(
            'SCHEDULER_DOCKER_API',
            `Docker ${operation} answered ${r.statusCode}${message === '' ? '' : `: ${message.trim()}`}`,
            r.statusCode,
          );
        }
        return r;
      });
      report('ok');
      return res;
    } catch (error) {
      if (error instanceof BreakerOpenError) {
        report('rejected');
        const retry = error.retryAt === undefined ? '' : ` until ${new Date(error.retryAt).toISOString()}`;
        throw new DockerError(
          'SCHEDULER_DOCKER_UNREACHABLE',
          `Docker ${operation} not sent: the circuit to ${this.endpoint.label} is open after repeated failures${retry}`,
          undefined,
          { cause: error },
        );
      }
      report('error');
      throw error;
    }
  }

  #unreachable(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason ?? error;
    const e = error as { code?: string; cause?: { code?: string }; message?: string };
    const code = e.code ?? e.cause?.code;
    const where = this.endpoint.label;
    const why =
      code === 'ENOENT'
        ? 'the socket does not exist (is the daemon running? set DOCKER_HOST to reach another)'
        : code === 'ECONNREFUSED'
          ? 'connection refused'
          : code === 'EACCES'
            ? 'permission denied on the socket (add the user to the docker group)'
            : code === 'UND_ERR_CONNECT_TIMEOUT'
              ? `no connection within ${this.#options.connectTimeoutMs ?? 5_000} ms`
              : code === 'UND_ERR_HEADERS_TIMEOUT'
                ? `no answer within ${this.#options.headersTimeoutMs ?? 10_000} ms`
                : (e.message ?? String(error));
    return new DockerError(
      'SCHEDULER_DOCKER_UNREACHABLE',
      `cannot reach the Docker daemon at ${where}: ${why}`,
      undefined,
      {
        cause: error,
      },
    );
  }

  async close(): Promise<void> {
    await this.#breaker.close();
    await this.#pool.close();
  }
}
