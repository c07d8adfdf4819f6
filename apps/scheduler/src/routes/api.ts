// The JSON API: jobs with their next run and last result, a job's runs, one
// run with its output, run now, pause and resume, and the problems of the
// jobs file. POSTs need `Content-Type: application/json` (a cross-site form
// cannot send it without a preflight this server never grants) and, when
// ADMIN_TOKEN is set, `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ConfigProblem, formatProblem } from '../ini/problems.js';
import { describeJob, type JobSpec } from '../jobs/spec.js';
import type { RunRecord } from '../runtime/run.js';
import type { JobStatus, RunNowResult } from '../scheduler/scheduler.js';

export interface ApiDeps {
  readonly instance: string;
  readonly coordinator: string;
  readonly configFile: string;
  readonly problems: readonly ConfigProblem[];
  readonly adminToken: string | undefined;
  readonly status: () => Promise<{ jobs: JobStatus[]; paused: ReadonlySet<string> }>;
  readonly runs: (job: string, limit: number) => Promise<RunRecord[]>;
  readonly run: (id: string) => Promise<RunRecord | undefined>;
  readonly runNow: (job: string) => Promise<RunNowResult>;
  readonly setPaused: (job: string, paused: boolean) => Promise<boolean>;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function runJson(r: RunRecord) {
  return {
    id: r.id,
    job: r.job,
    trigger: r.trigger,
    scheduledAt: iso(r.scheduledAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.finishedAt === null ? null : r.finishedAt - r.startedAt,
    status: r.status,
    exitCode: r.exitCode,
    error: r.error,
    output: r.output,
    outputTruncated: r.outputTruncated,
    outputBytes: r.outputBytes,
    attempts: r.attempts,
    instance: r.instance,
    fence: r.fence,
  };
}

export function jobJson(s: JobStatus, paused: boolean) {
  const j: JobSpec = s.spec;
  return {
    name: j.name,
    type: j.type,
    schedule: j.schedule.text,
    timezone: j.schedule.timezone ?? null,
    command: describeJob(j),
    overlap: j.overlap,
    maxRetries: j.retry.maxRetries,
    maxRuntimeMs: j.maxRuntimeMs,
    maxOutputBytes: j.maxOutputBytes,
    webhooks: j.webhooks,
    nextRun: paused ? null : iso(s.next),
    paused,
    running: s.running,
    queued: s.queued,
    lastRun: s.last === undefined ? null : { ...runJson(s.last), output: undefined },
    source: j.source,
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function apiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const expected = deps.adminToken === undefined ? undefined : digest(`Bearer ${deps.adminToken}`);
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return reply.code(415).send({
        error: 'unsupported_media_type',
        message: 'send Content-Type: application/json (cross-site forms are refused)',
      });
    }
    // Hashing both sides gives equal lengths, so the comparison leaks nothing about the token.
    if (expected !== undefined && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="scheduler"')
        .send({ error: 'unauthorized', message: 'send Authorization: Bearer <ADMIN_TOKEN>' });
    }
  };
  const notFound = (reply: FastifyReply, name: string) =>
    reply.code(404).send({ error: 'not_found', message: `no job named "${name}" (GET /api/jobs lists them)` });

  app.get('/api/jobs', async () => {
    const { jobs, paused } = await deps.status();
    return {
      instance: deps.instance,
      coordinator: deps.coordinator,
      jobs: jobs.map((s) => jobJson(s, paused.has(s.spec.name))),
      problems: deps.problems.map((p) => ({ ...p, text: formatProblem(p) })),
    };
  });

  app.get<{ Params: { name: string } }>('/api/jobs/:name', async (req, reply) => {
    const { jobs, paused } = await deps.status();
    const s = jobs.find((j) => j.spec.name === req.params.name);
    if (s === undefined) return notFound(reply, req.params.name);
    return { ...jobJson(s, paused.has(s.spec.name)), runs: (await deps.runs(s.spec.name, 20)).map(runJson) };
  });

  app.get<{ Params: { name: string }; Querystring: { limit?: string } }>('/api/jobs/:name/runs', async (req, reply) => {
    const { jobs } = await deps.status();
    if (!jobs.some((j) => j.spec.name === req.params.name)) return notFound(reply, req.params.name);
    const limit = Math.min(Math.max(Number(req.query.limit ?? 20) || 20, 1), 500);
    return { runs: (await deps.runs(req.params.name, limit)).map(runJson) };
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => {
    const run = await deps.run(req.params.id);
    if (run === undefined) return reply.code(404).send({ error: 'not_found', message: `no run ${req.params.id}` });
    return runJson(run);
  });

  app.get('/api/config', async () => ({
    file: deps.configFile,
    problems: deps.problems.map((p) => ({ ...p, text: formatProblem(p) })),
  }));

  app.register(async (writes) => {
    writes.addHook('preHandler', guard);
    writes.post<{ Params: { name: string } }>('/api/jobs/:name/run', async (req, reply) => {
      const result = await deps.runNow(req.params.name);
      switch (result.outcome) {
        case 'unknown-job':
          return notFound(reply, req.params.name);
        case 'started':
          return reply.code(202).send({ outcome: 'started', runId: result.runId });
        case 'queued':
          return reply.code(202).send({ outcome: 'queued' });
        case 'busy':
          return reply.code(409).send({
            error: 'busy',
            message: `"${req.params.name}" is running (on ${result.holder}) and its overlap policy does not allow another run now`,
          });
        case 'stopping':
          return reply.code(503).send({ error: 'stopping', message: 'the scheduler is shutting down' });
      }
    });
    for (const [path, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const) {
      writes.post<{ Params: { name: string } }>(`/api/jobs/:name/${path}`, async (req, reply) => {
        if (!(await deps.setPaused(req.params.name, paused))) return notFound(reply, req.params.name);
        return { name: req.params.name, paused };
      });
    }
  });
}
