// The run history: every finished (or skipped) run is written through
// @perf/batch-writer to the job_runs table, spooled to disk first so that a
// kill -9 loses nothing a run recorded, in batches so that a thousand jobs a
// second cost a few statements. The runs not written yet (running ones
// included) are also kept in memory, so a run is listed the moment it starts,
// before its row is written; a row written is dropped from memory, so that a
// thousand jobs do not keep twenty thousand old records alive (they would
// make every garbage collection longer, and the scheduler late).
import type { Database } from '@perf/app-kit';
import { BatchWriter } from '@perf/batch-writer';
import { sqlSink } from '@perf/batch-writer/sql';
import type { RunRecord, RunStatus, RunTrigger } from '../runtime/run.js';

export interface HistoryOptions {
  readonly spoolDir: string;
  /** A run is written at most this long after it ended. Default 200 ms. */
  readonly maxDelayMs?: number;
  /** Called for records that could not be written (after retries). */
  readonly onDeadLetter: (record: RunRecord, error: unknown) => void;
}

/** How much of each output a list of runs carries (the run itself has all of it). */
export const OUTPUT_PREVIEW_CHARS = 4_096;

const COLUMNS = [
  'id',
  'job',
  'trigger',
  'scheduled_at',
  'started_at',
  'finished_at',
  'status',
  'exit_code',
  'error',
  'output',
  'output_truncated',
  'output_bytes',
  'attempts',
  'instance',
  'fence',
] as const;

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
// PostgreSQL text cannot hold NUL: a program's binary output keeps its length, with U+FFFD for each NUL.
const text = (s: string): string => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);

interface Row {
  id: string;
  job: string;
  trigger: string;
  scheduled_at: Date | null;
  started_at: Date;
  finished_at: Date | null;
  status: string;
  exit_code: number | null;
  error: string | null;
  output: string;
  output_truncated: boolean;
  output_bytes: number;
  attempts: number;
  instance: string;
  fence: number | null;
}

const SELECT = (output: string) =>
  `SELECT id::text, job, trigger, scheduled_at, started_at, finished_at, status, exit_code, error, ${output} AS output,
          output_truncated, output_bytes::float8 AS output_bytes, attempts, instance, fence::float8 AS fence
     FROM job_runs`;

const fromRow = (r: Row): RunRecord => ({
  id: r.id,
  job: r.job,
  trigger: r.trigger as RunTrigger,
  scheduledAt: r.scheduled_at === null ? null : new Date(r.scheduled_at).getTime(),
  startedAt: new Date(r.started_at).getTime(),
  finishedAt: r.finished_at === null ? null : new Date(r.finished_at).getTime(),
  status: r.status as RunStatus,
  exitCode: r.exit_code,
  error: r.error,
  output: r.output,
  outputTruncated: r.output_truncated,
  outputBytes: r.output_bytes,
  attempts: r.attempts,
  instance: r.instance,
  fence: r.fence,
});

export class HistoryStore {
  readonly #db: Database;
  readonly #writer: BatchWriter<RunRecord>;
  /** Runs not written yet, by id: a run's newer record replaces its older one. */
  readonly #unwritten = new Map<string, RunRecord>();
  readonly #onDeadLetter: HistoryOptions['onDeadLetter'];

  constructor(db: Database, options: HistoryOptions) {
    this.#db = db;
    this.#onDeadLetter = options.onDeadLetter;
    const sink = sqlSink<RunRecord>({
      execute: (sql, params) => db.query(sql, params),
      table: 'job_runs',
      columns: COLUMNS,
      row: (r) => [
        r.id,
        r.job,
        r.trigger,
        date(r.scheduledAt),
        new Date(r.startedAt),
        date(r.finishedAt),
        r.status,
        r.exitCode,
        r.error === null ? null : text(r.error),
        text(r.output),
        r.outputTruncated,
        r.outputBytes,
        r.attempts,
        r.instance,
        r.fence,
      ],
      idempotencyKey: 'id',
    });
    this.#writer = new BatchWriter<RunRecord>({
      name: 'run-history',
      flush: async (runs, context) => {
        await sink(runs, context);
        for (const run of runs) this.#forget(run);
      },
      maxBatchSize: 500,
      maxDelayMs: options.maxDelayMs ?? 200,
      maxQueued: 20_000,
      retry: { retries: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 5_000 },
      // Run records are ours and well-formed (a repeated id is skipped by ON CONFLICT): a failed batch
      // means the database is unwell, whatever the error says, so it is retried, never dead-lettered.
      classify: () => 'retry',
      spool: { dir: options.spoolDir },
      deadLetter: (failures) => {
        for (const { item, error } of failures) {
          this.#forget(item);
          this.#onDeadLetter(item, error);
        }
      },
    });
  }

  /** A run started or ended. Ended runs are written to the database; every record shows in `list` at once. */
  record(run: RunRecord): void {
    this.#unwritten.set(run.id, run);
    if (run.status === 'running') return;
    // Full: wait for space instead of dropping (nothing accepted is lost); the outcome is logged by deadLetter.
    if (!this.#writer.add(run)) {
      this.#writer.write(run).catch((error: unknown) => {
        this.#forget(run);
        this.#onDeadLetter(run, error);
      });
    }
  }

  /** The last runs of a job, newest first, with output cut to a preview. */
  async list(job: string, limit = 20): Promise<RunRecord[]> {
    // Taken before the query: a run written while it runs is then in one of the two.
    const unwritten = [...this.#unwritten.values()].filter((r) => r.job === job);
    const { rows } = await this.#db.query<Row>(
      `${SELECT(`left(output, ${OUTPUT_PREVIEW_CHARS})`)} WHERE job = $1 ORDER BY started_at DESC LIMIT $2`,
      [job, limit],
    );
    const byId = new Map<string, RunRecord>(rows.map((r) => [r.id, fromRow(r)]));
    for (const r of unwritten) {
      byId.set(
        r.id,
        r.output.length > OUTPUT_PREVIEW_CHARS ? { ...r, output: r.output.slice(0, OUTPUT_PREVIEW_CHARS) } : r,
      );
    }
    return [...byId.values()].sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
  }

  /** One run with its whole output. */
  async get(id: string): Promise<RunRecord | undefined> {
    const hit = this.#unwritten.get(id);
    if (hit !== undefined) return hit;
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.#db.query<Row>(`${SELECT('output')} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The newest finished run of each job (for the job list after a restart). */
  async lastRuns(): Promise<Map<string, RunRecord>> {
    const { rows } = await this.#db.query<Row>(
      `SELECT DISTINCT ON (job) * FROM (${SELECT(`left(output, ${OUTPUT_PREVIEW_CHARS})`)}) r ORDER BY job, started_at DESC`,
    );
    return new Map(rows.map((r) => [r.job, fromRow(r)]));
  }

  /** Drops a run's record from memory once written (or given up on), unless a newer one replaced it. */
  #forget(run: RunRecord): void {
    if (this.#unwritten.get(run.id) === run) this.#unwritten.delete(run.id);
  }

  stats() {
    return this.#writer.stats();
  }

  /** Writes everything recorded so far. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  async close(): Promise<void> {
    await this.#writer.close();
  }
}
