// The issued-token records: accepted into a spool on disk before a token is
// signed, written to the database in batches, off the request path.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '@perf/app-kit';
import { BatchWriter } from '@perf/batch-writer';
import { sqlSink } from '@perf/batch-writer/sql';
import type { IssuedToken } from '../oauth/tokenEndpoint.js';

export interface TokenRecordsOptions {
  readonly db: Pick<Queryable, 'query'>;
  /** This process's spool: one writer per folder. */
  readonly spoolDir: string;
  readonly onDeadLetter: (jti: string, error: unknown) => void;
}

export function tokenRecords({ db, spoolDir, onDeadLetter }: TokenRecordsOptions): BatchWriter<IssuedToken> {
  return new BatchWriter<IssuedToken>({
    name: 'token-records',
    flush: sqlSink<IssuedToken>({
      execute: (sql, params) => db.query(sql, params),
      table: 'issued_tokens',
      columns: ['jti', 'client_id', 'scope', 'audience', 'issued_at', 'expires_at'],
      row: (t) => [t.jti, t.clientId, t.scope, t.audience, new Date(t.issuedAt), new Date(t.expiresAt)],
      idempotencyKey: 'jti',
    }),
    maxBatchSize: 1_000,
    maxDelayMs: 5_000,
    maxQueued: 100_000,
    retry: { retries: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 5_000 },
    // Every record is ours and well-formed (a repeated jti is skipped by ON CONFLICT), so a failed
    // batch means the database is unwell — open breaker, refused connection, any SQLSTATE — never a
    // bad row: retry until it is written, never dead-letter a token that was handed out.
    classify: () => 'retry',
    spool: { dir: spoolDir },
    deadLetter: (failures) => {
      for (const { item, error } of failures) onDeadLetter(item.jti, error);
    },
  });
}

/**
 * Writes what spools no process owns any more (a worker slot gone after a
 * restart with fewer WORKERS, or the single-process spool after a switch to
 * workers): each is replayed by a writer of its own and drained.
 */
export async function drainOrphanSpools(
  db: Pick<Queryable, 'query'>,
  spoolRoot: string,
  inUse: readonly string[],
): Promise<number> {
  let folders: string[];
  try {
    folders = readdirSync(spoolRoot).filter((f) => !inUse.includes(f));
  } catch {
    return 0;
  }
  let written = 0;
  for (const folder of folders) {
    const writer = tokenRecords({ db, spoolDir: join(spoolRoot, folder), onDeadLetter: () => {} });
    written += writer.stats().replayed;
    await writer.close();
  }
  return written;
}
