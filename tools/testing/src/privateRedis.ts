// A redis-server child process of our own on a free loopback port, for the
// faults the shared server must never see: SIGKILL, restart, SIGSTOP/SIGCONT,
// CLIENT PAUSE, SCRIPT FLUSH. Needs `redis-server` on PATH and ioredis
// (loaded on first use, so importing @perf/testing does not load it).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { vi } from 'vitest';
import { closedPort } from './ports.js';

export interface PrivateRedisOptions {
  /** Keep the data across `kill()` and `start()`, as a server with an append-only file (fsync on every write) would. */
  readonly persistent?: boolean;
}

async function newClient(port: number): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  c.on('error', () => {});
  return c;
}

export class PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Set when the server keeps its data across a restart. */
  readonly #dir: string | undefined;
  #child: ChildProcess | undefined;
  readonly #clients: Redis[] = [];

  private constructor(port: number, persistent: boolean) {
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#dir = persistent ? mkdtempSync(join(tmpdir(), 'perf-private-redis-')) : undefined;
  }

  /** Starts a server on a free port; resolves once it answers PING. */
  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const server = await PrivateRedis.reserve(options);
    await server.start();
    return server;
  }

  /** A free port for a server that is not started yet (connections are refused until `start()`). */
  static async reserve(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    return new PrivateRedis(await closedPort(), options.persistent === true);
  }

  /** (Re)starts the server on the same port and resolves once it answers PING. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    if (this.#dir === undefined) args.push('--appendonly', 'no');
    else args.push('--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.#dir);
    this.#child = spawn('redis-server', args, { stdio: 'ignore' });
    await vi.waitFor(
      async () => {
        const c = await newClient(this.port);
        try {
          await c.connect();
          if ((await c.ping()) !== 'PONG') throw new Error('no PONG yet');
        } finally {
          c.disconnect();
        }
      },
      { timeout: 10_000, interval: 50 },
    );
  }

  /** SIGKILL: the server dies with whatever it had not executed yet (a paused server dies as it is, without running what it buffered). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: connections stay open, commands wait in the socket buffers. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** SIGCONT: the server runs what was buffered, in order. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** A plain client of this server, connected, for admin commands and checks; disconnected by `close()`. */
  async client(): Promise<Redis> {
    const c = await newClient(this.port);
    this.#clients.push(c);
    await c.connect();
    return c;
  }

  /** Disconnects the clients, kills the server and removes its data. */
  async close(): Promise<void> {
    for (const c of this.#clients.splice(0)) c.disconnect();
    await this.kill();
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }
}
