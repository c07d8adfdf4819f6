// "An accepted write keeps the process alive until it is flushed; an idle writer
// never does": each variant runs in a child process with nothing else keeping it
// alive, left to exit on its own, then the test looks for the row in the real
// PostgreSQL.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { postgres } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { closeInsertGate, eventTables, uniqueName } from './pg.js';

const service = await postgres();
const fixture = fileURLToPath(new URL('./fixtures/keepAliveWriter.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Far beyond the few hundred ms each variant needs: a child still running then is kept alive by something. */
const HANG_MS = 15_000;

interface Child {
  readonly stdout: string[];
  readonly stderr: string;
  /** The exit code, or `'hung'` if it had to be killed after HANG_MS. */
  readonly exit: number | 'hung';
}

interface Running {
  /** Resolves once the child printed this line; rejects if it exits first. */
  printed(line: string): Promise<void>;
  readonly exited: Promise<Child>;
}

function runWriter(variant: string, table: string, applicationName: string): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, variant, service.url, table, applicationName], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const watchers: Array<{ line: string; resolve(): void }> = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      stdout.push(line);
      for (const w of watchers) if (w.line === line) w.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Child>((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, exit: code ?? 'hung' });
    });
  });
  return {
    printed: (line) =>
      stdout.includes(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => watchers.push({ line, resolve })),
            exited.then((c) => {
              throw new Error(`the child exited (${c.exit}) without printing "${line}": ${c.stderr}`);
            }),
          ]),
    exited,
  };
}

describe.skipIf(service.skip)('an accepted write keeps the process alive until it is written', () => {
  const { pool, table } = eventTables(service.url, 'bw_keepalive');

  async function rowBody(name: string): Promise<string | undefined> {
    const { rows } = await pool.query<{ body: string }>(`SELECT body FROM ${name} WHERE id = 1`);
    return rows[0]?.body;
  }

  it('await write() then close(), with only the maxDelayMs timer pending: the row is written and close() reached', async () => {
    const name = await table();
    const child = await runWriter('write-then-close', name, uniqueName('bw_alive')).exited;
    // Before: exit 13 (an unsettled top-level await), the row never written, close() never reached.
    expect(child.exit, child.stderr).toBe(0);
    expect(child.stdout).toEqual(['written', 'closed']);
    expect(await rowBody(name)).toBe('write-then-close');
  });

  it('add() without awaiting, then nothing else: the accepted item is written before the process exits', async () => {
    const name = await table();
    const child = await runWriter('add', name, uniqueName('bw_alive')).exited;
    expect(child.exit, child.stderr).toBe(0);
    expect(child.stdout).toEqual(['accepted true']);
    expect(await rowBody(name)).toBe('add');
  });

  it('a retry backoff after pg_terminate_backend killed the first attempt: the process waits it out and the row is written', async () => {
    const name = await table();
    const app = uniqueName('bw_alive');
    const gate = await closeInsertGate(pool, name);
    try {
      const run = runWriter('retry', name, app);
      // The first attempt's INSERT waits at the gate; its backend is terminated there (57P01, retryable),
      // its connection is gone, and the 200–400 ms backoff is all that is left in the child.
      await gate.terminateWaiting(app, 1, run.exited);
      await run.printed('retry 1');
      await gate.open();
      const child = await run.exited;
      expect(child.exit, child.stderr).toBe(0);
      expect(child.stdout).toEqual(['retry 1', 'written', 'closed']);
      expect(await rowBody(name)).toBe('retry');
    } finally {
      await gate.dispose();
    }
  });

  it('an idle writer (everything written, never closed) lets the process exit on its own', async () => {
    const name = await table();
    const child = await runWriter('idle', name, uniqueName('bw_alive')).exited;
    expect(child.exit, `${child.stderr}\nstill running after ${HANG_MS} ms: something keeps it alive`).toBe(0);
    expect(child.stdout).toEqual(['written']);
    expect(await rowBody(name)).toBe('idle');
  });
});
