// The REST API under /api, JSON in and out, with the same token as git
// (Bearer, or Basic with the token as the password):
//   POST   /api/repos                          create (any caller whose token may write; they become its admin)
//   GET    /api/repos                          the repositories the caller may read
//   GET    /api/repos/:name                    one repository and its stats            (read)
//   PATCH  /api/repos/:name                    { public }                              (admin)
//   DELETE /api/repos/:name                                                            (admin)
//   GET    /api/repos/:name/stats              size, refs, last commit (cached)        (read)
//   GET    /api/repos/:name/roles                                                      (admin)
//   PUT    /api/repos/:name/roles/:subject     { role: read | write | admin }          (admin)
//   DELETE /api/repos/:name/roles/:subject                                             (admin)
//   GET    /api/pool                           repositories, disk, git processes, buffers (any valid token)
// Errors are `{ error, message }`; the statuses follow the gate (401/403/404).
// Every request is charged to its caller's rate limit before anything else
// runs (the token's subject; without a token, the source address); one whose
// token is refused is not, and gets its 401 from the route.
import { BulkheadFullError } from '@perf/circuit-breaker';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authFailure, type Denied, type Gate } from '../auth/gate.js';
import type { Identity } from '../auth/identity.js';
import { ADMIN, isRole, type Level, READ, WRITE } from '../auth/roles.js';
import { GitSpawnError } from '../git/processes.js';
import { invalidRepoName, repoFromSegment } from '../git/repoName.js';
import type { GitMetrics } from '../metrics.js';
import type { RepoService } from '../repoService.js';
import type { RepoRecord } from '../storage/repoStore.js';
import { isDatabaseUnavailable } from '../storage/unavailable.js';
import type { UserQuota } from '../userQuota.js';
import { countRefusal } from './refusal.js';

export interface ApiDeps {
  readonly gate: Gate;
  readonly repos: RepoService;
  readonly metrics: GitMetrics;
  /** The per-user rate limit (none when USER_RATE_LIMIT is 0). */
  readonly quota: UserQuota | undefined;
  /** The base of clone URLs. */
  readonly publicUrl: () => string;
}

class ApiError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

const fromDenied = (d: Denied): ApiError =>
  new ApiError(
    d.status,
    d.status === 401 ? 'unauthorized' : d.status === 403 ? 'forbidden' : d.status === 404 ? 'not_found' : 'unavailable',
    d.message,
  );

const MAX_SUBJECT = 256;
// A subject is printed in logs and listings: no control characters (code points below 32, and 127).
const invalidSubject = (s: string): boolean =>
  s === '' || s.length > MAX_SUBJECT || [...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);

type Named = { Params: { name: string } };

export function apiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.register(async (api) => {
    const view = (r: RepoRecord) => ({ ...r, cloneUrl: `${deps.publicUrl()}/${r.name}.git` });

    const quota = deps.quota;
    if (quota !== undefined) {
      api.addHook('onRequest', async (req, reply) => {
        let subject: string | undefined;
        try {
          subject = (await deps.gate.caller(req.headers.authorization))?.subject;
        } catch {
          return; // a refused token: the route answers 401 (and counts it)
        }
        const limited = await quota.charge('requests', subject, req.ip, 1, reply.raw);
        if (limited === undefined) return;
        deps.metrics.rateLimited.inc({ quota: limited.quota, route: 'api', caller: limited.caller });
        return reply.code(429).send({ error: 'rate_limited', message: limited.message });
      });
    }

    /** The caller, or an ApiError (401 when `required` and anonymous or refused). */
    const caller = async (req: FastifyRequest, required: boolean): Promise<Identity | undefined> => {
      let identity: Identity | undefined;
      try {
        identity = await deps.gate.caller(req.headers.authorization);
      } catch (error) {
        const denied = authFailure(error);
        countRefusal(deps.metrics, denied);
        throw fromDenied(denied);
      }
      if (identity === undefined && required) {
        throw new ApiError(401, 'unauthorized', 'authentication required: send Authorization: Bearer <access token>');
      }
      return identity;
    };

    /** Checks the caller may do what needs `need` on the repository; returns its name. */
    const allowed = async (req: FastifyRequest<Named>, need: Level): Promise<{ name: string; identity?: Identity }> => {
      const name = repoFromSegment(req.params.name);
      if (name === undefined) throw new ApiError(404, 'not_found', 'repository not found');
      const outcome = await deps.gate.check(req.headers.authorization, name, need);
      if (!outcome.allowed) {
        countRefusal(deps.metrics, outcome);
        throw fromDenied(outcome);
      }
      return outcome.identity === undefined ? { name } : { name, identity: outcome.identity };
    };

    api.post('/api/repos', async (req, reply) => {
      const identity = await caller(req, true);
      if (identity === undefined || identity.ceiling < WRITE) {
        throw new ApiError(403, 'insufficient_scope', 'creating a repository needs a token with the git:write scope');
      }
      const body = (req.body ?? {}) as { name?: unknown; public?: unknown; description?: unknown };
      if (typeof body.name !== 'string') throw new ApiError(400, 'invalid_request', 'name is required (a string)');
      const why = invalidRepoName(body.name);
      if (why !== undefined) throw new ApiError(400, 'invalid_name', `name ${JSON.stringify(body.name)}: ${why}`);
      if (body.public !== undefined && typeof body.public !== 'boolean') {
        throw new ApiError(400, 'invalid_request', 'public must be true or false');
      }
      if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 1000)) {
        throw new ApiError(400, 'invalid_request', 'description must be a string of at most 1000 characters');
      }
      const created = await deps.repos.create(identity.subject, {
        name: body.name,
        public: body.public === true,
        description: (body.description as string | undefined) ?? '',
      });
      if (created === undefined) throw new ApiError(409, 'exists', `a repository named ${body.name} exists`);
      return reply.code(201).send(view(created));
    });

    api.get('/api/repos', async (req) => {
      const identity = await caller(req, false);
      const reads = identity !== undefined && identity.ceiling >= READ;
      const list = await deps.repos.list(reads ? identity.subject : undefined, reads && identity.admin);
      return list.map(view);
    });

    api.get<Named>('/api/repos/:name', async (req) => {
      const { name } = await allowed(req, READ);
      const repo = await deps.repos.get(name);
      if (repo === undefined) throw new ApiError(404, 'not_found', 'repository not found');
      return { ...view(repo), stats: await deps.repos.stats(name) };
    });

    api.get<Named>('/api/repos/:name/stats', async (req) => {
      const { name } = await allowed(req, READ);
      return deps.repos.stats(name);
    });

    api.patch<Named>('/api/repos/:name', async (req) => {
      const { name } = await allowed(req, ADMIN);
      const body = (req.body ?? {}) as { public?: unknown };
      if (body.public !== undefined && typeof body.public !== 'boolean') {
        throw new ApiError(400, 'invalid_request', 'public must be true or false');
      }
      const updated = await deps.repos.update(name, body.public === undefined ? {} : { public: body.public });
      if (updated === undefined) throw new ApiError(404, 'not_found', 'repository not found');
      return view(updated);
    });

    api.delete<Named>('/api/repos/:name', async (req, reply) => {
      const { name } = await allowed(req, ADMIN);
      if (!(await deps.repos.remove(name))) throw new ApiError(404, 'not_found', 'repository not found');
      return reply.code(204).send();
    });

    api.get<Named>('/api/repos/:name/roles', async (req) => {
      const { name } = await allowed(req, ADMIN);
      return deps.repos.grants(name);
    });

    api.put<{ Params: { name: string; subject: string } }>('/api/repos/:name/roles/:subject', async (req) => {
      const { name } = await allowed(req, ADMIN);
      const subject = req.params.subject;
      if (invalidSubject(subject))
        throw new ApiError(400, 'invalid_subject', 'subject must be 1 to 256 printable characters');
      const role = (req.body as { role?: unknown } | undefined)?.role;
      if (!isRole(role)) throw new ApiError(400, 'invalid_role', 'role must be read, write or admin');
      await deps.repos.grant(name, subject, role);
      return { subject, role };
    });

    api.delete<{ Params: { name: string; subject: string } }>('/api/repos/:name/roles/:subject', async (req, reply) => {
      const { name } = await allowed(req, ADMIN);
      if (!(await deps.repos.revoke(name, req.params.subject))) {
        throw new ApiError(404, 'not_found', `${req.params.subject} holds no role on ${name}`);
      }
      return reply.code(204).send();
    });

    api.get('/api/pool', async (req) => {
      await caller(req, true);
      return deps.repos.pool();
    });

    api.setErrorHandler((error, req, reply: FastifyReply) => {
      if (error instanceof ApiError) {
        if (error.status === 401) {
          const presented = req.headers.authorization !== undefined;
          reply.header(
            'www-authenticate',
            presented ? `Bearer realm="git-server", error="invalid_token"` : 'Bearer realm="git-server"',
          );
        }
        if (error.status === 503) reply.header('retry-after', '5');
        return reply.code(error.status).send({ error: error.error, message: error.message });
      }
      if (error instanceof GitSpawnError || error instanceof BulkheadFullError) {
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'unavailable', message: 'git cannot be run on the server now; retry shortly' });
      }
      if (isDatabaseUnavailable(error)) {
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'unavailable', message: 'the database is unavailable; retry shortly' });
      }
      const e = error as { statusCode?: number; message: string };
      if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
        return reply.code(e.statusCode).send({ error: 'invalid_request', message: e.message });
      }
      req.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ error: 'server_error', message: 'the server failed to answer; see its log' });
    });
  });
}
