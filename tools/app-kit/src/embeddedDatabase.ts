// The embedded PostgreSQL (PGlite, WebAssembly) runs in a worker thread: a
// query there computes on its own thread, so a batch insert of a thousand
// rows no longer stops the app's event loop for a few hundred milliseconds.
// One connection, as PGlite has: a transaction holds it, and other statements
// wait until it commits or rolls back.
import { Worker } from 'node:worker_threads';
import type { Database, Queryable, QueryResult } from './database.js';

type Request =
  | {
      readonly id: number;
      readonly kind: 'query';
      readonly sql: string;
      readonly params: readonly unknown[];
      readonly tx?: number;
    }
  | { readonly id: number; readonly kind: 'exec'; readonly sql: string; readonly tx?: number }
  | { readonly id: number; readonly kind: 'begin' }
  | { readonly id: number; readonly kind: 'commit' | 'rollback'; readonly tx: number }
  | { readonly id: number; readonly kind: 'close' };

/** A request without its id (distributed over the union, so each kind keeps its own fields). */
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

type Answer =
  | {
      readonly id: number;
      readonly ok: true;
      readonly rows?: unknown[];
      readonly rowCount?: number;
      readonly tx?: number;
    }
  | { readonly id: number; readonly ok: false; readonly error: Record<string, unknown> };

// The worker's program. It is evaluated (not a file of its own) so that an app
// bundling this kit needs no extra entry point; PGlite is imported by the URL
// the main thread resolved, from the app's own node_modules.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { PGlite } = await import(workerData.pglite);
  const db = await PGlite.create(workerData.dataDir);
  let active; // the transaction holding the connection
  let nextTx = 1;
  const waiting = [];
  const reply = (m) => parentPort.postMessage(m);
  const fail = (id, e) => {
    const error = { message: e && e.message ? e.message : String(e) };
    for (const k of Object.keys(e || {})) if (typeof e[k] !== 'object' && typeof e[k] !== 'function') error[k] = e[k];
    reply({ id, ok: false, error });
  };
  const blocked = (m) => active !== undefined && (m.kind === 'begin' || m.kind === 'close' || m.tx !== active);
  const run = async (m) => {
    try {
      if (m.kind === 'query') {
        const r = await db.query(m.sql, m.params);
        reply({ id: m.id, ok: true, rows: r.rows, rowCount: r.affectedRows || 0 });
      } else if (m.kind === 'exec') {
        await db.exec(m.sql);
        reply({ id: m.id, ok: true });
      } else if (m.kind === 'begin') {
        const tx = nextTx++;
        active = tx; // before BEGIN runs, so nothing else slips into the transaction
        try {
          await db.exec('BEGIN');
        } catch (e) {
          active = undefined;
          throw e;
        }
        reply({ id: m.id, ok: true, tx });
      } else if (m.kind === 'commit' || m.kind === 'rollback') {
        try {
          await db.exec(m.kind === 'commit' ? 'COMMIT' : 'ROLLBACK');
        } finally {
          active = undefined;
        }
        reply({ id: m.id, ok: true });
        while (waiting.length > 0 && !blocked(waiting[0])) void run(waiting.shift());
      } else if (m.kind === 'close') {
        await db.close();
        reply({ id: m.id, ok: true });
        parentPort.close();
      }
    } catch (e) {
      fail(m.id, e);
    }
  };
  // The transaction's own statements run at once; anything else keeps its turn behind what already waits.
  const own = (m) => active !== undefined && m.tx === active;
  parentPort.on('message', (m) => (!own(m) && (blocked(m) || waiting.length > 0) ? waiting.push(m) : void run(m)));
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ ready: false, error: { message: e && e.message ? e.message : String(e) } }));
`;

/** An Error carrying what PGlite said (message, SQLSTATE `code`, detail…), as the pg driver's errors do. */
function toError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message)), fields);
}

export async function openEmbedded(dataDir: string): Promise<Database> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { dataDir, pglite: import.meta.resolve('@electric-sql/pglite') },
  });
  const pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    const onFirst = (m: { ready?: boolean; error?: Record<string, unknown> }) => {
      if (m.ready === undefined) return;
      worker.off('message', onFirst);
      if (m.ready) resolve();
      else reject(toError(m.error ?? { message: 'the embedded database did not start' }));
    };
    worker.on('message', onFirst);
    worker.once('error', reject);
  });
  worker.on('message', (a: Answer) => {
    const p = pending.get(a.id);
    if (p === undefined) return;
    pending.delete(a.id);
    if (a.ok) p.resolve(a);
    else p.reject(toError(a.error));
  });
  worker.on('error', (e) => {
    failure = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });

  const ask = (request: RequestBody): Promise<Answer & { ok: true }> => {
    if (failure !== undefined) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (a: Answer) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };
  const queryable = (tx?: number): Queryable => ({
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const a = await ask({ kind: 'query', sql, params, ...(tx !== undefined ? { tx } : {}) });
      return { rows: (a.rows ?? []) as R[], rowCount: a.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await ask({ kind: 'exec', sql, ...(tx !== undefined ? { tx } : {}) });
    },
  });

  return {
    kind: 'embedded',
    ...queryable(),
    async transaction(fn) {
      const { tx } = await ask({ kind: 'begin' });
      try {
        const result = await fn(queryable(tx));
        await ask({ kind: 'commit', tx: tx as number });
        return result;
      } catch (error) {
        await ask({ kind: 'rollback', tx: tx as number }).catch(() => {});
        throw error;
      }
    },
    async close() {
      if (failure === undefined) await ask({ kind: 'close' });
      await worker.terminate();
    },
  };
}
