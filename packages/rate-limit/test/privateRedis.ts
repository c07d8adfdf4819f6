// A redis-server child process of our own, on a free port, for the faults a
// test must cause (pause, kill, SCRIPT FLUSH) without touching the shared server.
import { type ChildProcess, spawn } from 'node:child_process';
import { closedPort } from '@perf/testing';
import { Redis } from 'ioredis';
import { vi } from 'vitest';

export class PrivateRedis {
  port = 0;
  #child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await closedPort();
    this.#child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await vi.waitFor(
      async () => {
        const c = new Redis(this.port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
        c.on('error', () => {});
        try {
          await c.connect();
          if ((await c.ping()) !== 'PONG') throw new Error('no PONG');
        } finally {
          c.disconnect();
        }
      },
      { timeout: 10_000, interval: 50 },
    );
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** A plain client for admin commands (SCRIPT FLUSH, CLIENT PAUSE). */
  async admin<T>(fn: (c: Redis) => Promise<T>): Promise<T> {
    const c = new Redis(this.url, { maxRetriesPerRequest: 1 });
    c.on('error', () => {});
    try {
      return await fn(c);
    } finally {
      c.disconnect();
    }
  }
}
