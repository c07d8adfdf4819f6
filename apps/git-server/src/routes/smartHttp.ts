// git's smart HTTP protocol (gitprotocol-http(5)), v0 and v2:
//   GET  /:repo/info/refs?service=git-upload-pack|git-receive-pack
//   POST /:repo/git-upload-pack, POST /:repo/git-receive-pack
// (`:repo` with or without `.git`). Each request is checked by the gate, then
// served by `git upload-pack` / `git receive-pack --stateless-rpc`: the body
// (gunzipped when the client compressed it, and bounded) streams into the
// process and its output streams back, with backpressure both ways.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BreakerOpenError, BulkheadFullError } from '@perf/circuit-breaker';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gate } from '../auth/gate.js';
import { BodyAbortedError, BodyLimit, BodyTooLargeError, requestBody } from '../git/bodyLimit.js';
import type { GitChild } from '../git/launcherClient.js';
import type { Chunk } from '../git/pooledReader.js';
import { captureInto, type GitProcesses, GitSpawnError } from '../git/processes.js';
import {
  gitProtocol,
  isService,
  NO_CACHE,
  SERVICES,
  type ServiceName,
  serviceHeader,
  wantsV2,
} from '../git/protocol.js';
import { repoFromSegment } from '../git/repoName.js';
import type { Repositories } from '../git/repositories.js';
import { RequestSniffer } from '../git/requestSniffer.js';
import type { GitMetrics } from '../metrics.js';
import { operationCost, type UserQuota } from '../userQuota.js';
import { refuseGit, refuseLimited, textReply } from './refusal.js';

export interface SmartHttpDeps {
  readonly gate: Gate;
  readonly git: GitProcesses;
  readonly disk: Repositories;
  readonly metrics: GitMetrics;
  readonly maxRequestBytes: number;
  readonly maxPushBytes: number;
  /** Called after every receive-pack that ran, whatever it updated. */
  readonly pushed: (repo: string) => Promise<void>;
  /** The per-user rate limit (none when USER_RATE_LIMIT is 0). */
  readonly quota: UserQuota | undefined;
}

/** Largest ref advertisement (it is captured in pooled memory, then sent with a Content-Length). */
const MAX_ADVERTISEMENT_BYTES = 32 * 1024 * 1024;

// Server-side settings of every git process: partial clone allowed, pushed objects checked.
const UPLOAD_CONFIG = ['-c', 'uploadpack.allowFilter=true', '-c', 'uploadpack.allowReachableSHA1InWant=true'];
const receiveConfig = (maxPushBytes: number) => [
  '-c',
  'receive.fsckObjects=true',
  '-c',
  `receive.maxInputSize=${maxPushBytes}`,
];

type RepoParams = { Params: { repo: string } };

export function smartHttpRoutes(app: FastifyInstance, deps: SmartHttpDeps): void {
  app.register(async (scope) => {
    // Bodies reach the handlers unread, as streams: they go to git, not into memory.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    // Each handler has answered (sent or hijacked the reply) by the time it resolves.
    scope.get<RepoParams & { Querystring: { service?: string } }>('/:repo/info/refs', async (req, reply) => {
      await advertise(deps, req, reply);
      return reply;
    });
    scope.post<RepoParams>('/:repo/git-upload-pack', async (req, reply) => {
      await rpc(deps, 'git-upload-pack', req, reply);
      return reply;
    });
    scope.post<RepoParams>('/:repo/git-receive-pack', async (req, reply) => {
      await rpc(deps, 'git-receive-pack', req, reply);
      return reply;
    });
  });
}

function gitArgs(deps: SmartHttpDeps, service: ServiceName, path: string, advertise: boolean): string[] {
  const head =
    service === 'git-upload-pack'
      ? [...UPLOAD_CONFIG, 'upload-pack', '--strict']
      : [...receiveConfig(deps.maxPushBytes), 'receive-pack'];
  return [...head, '--stateless-rpc', ...(advertise ? ['--advertise-refs'] : []), path];
}

async function advertise(
  deps: SmartHttpDeps,
  req: FastifyRequest<RepoParams & { Querystring: { service?: string } }>,
  reply: FastifyReply,
): Promise<unknown> {
  const service = req.query.service;
  if (!isService(service)) {
    return textReply(reply, 403, 'this server speaks smart HTTP only: use git 1.6.6 or later');
  }
  const repo = repoFromSegment(req.params.repo);
  if (repo === undefined) return textReply(reply, 404, 'repository not found');
  const outcome = await deps.gate.check(req.headers.authorization, repo, SERVICES[service].need);
  if (!outcome.allowed) return refuseGit(reply, deps.metrics, outcome);

  const protocol = gitProtocol(req.headers['git-protocol']);
  // The whole operation is paid here, where git shows a refusal's text (see userQuota.ts).
  const limited = await deps.quota?.charge(
    'requests',
    outcome.identity?.subject,
    req.ip,
    operationCost(service, protocol),
    reply.raw,
  );
  if (limited !== undefined) return refuseLimited(reply, deps.metrics, limited);
  const env: Record<string, string> = protocol === undefined ? {} : { GIT_PROTOCOL: protocol };
  return inSlot(deps, reply, async () =>
    deps.git.session(gitArgs(deps, service, deps.disk.pathOf(repo), true), env, async (child, stderr) => {
      child.stdin.end();
      const out = deps.git.output(MAX_ADVERTISEMENT_BYTES);
      try {
        const [code] = await Promise.all([child.exit, captureInto(child.stdout, out)]);
        if (code !== 0 || out.truncated) {
          const truncated = out.truncated;
          out.release();
          if (code !== 0 && !deps.disk.exists(repo)) textReply(reply, 404, 'repository not found');
          else {
            req.log.error({ repo, service, code, stderr: stderr(), truncated }, 'ref advertisement failed');
            textReply(reply, 500, 'the server could not list the refs; see its log');
          }
          return;
        }
        // v2 starts with its capability advertisement; v0 with the service line (receive-pack speaks v0 only).
        const head = service === 'git-receive-pack' || !wantsV2(protocol) ? serviceHeader(service) : undefined;
        const body = out.bytes();
        const res = reply.hijack().raw;
        res.writeHead(200, {
          ...NO_CACHE,
          'content-type': `application/x-${service}-advertisement`,
          'content-length': (head?.length ?? 0) + body.length,
        });
        if (head !== undefined) res.write(head);
        // The pooled memory goes back once the socket is done with it (sent, or the connection closed).
        res.once('close', () => out.release());
        res.end(body);
      } catch (error) {
        if (!reply.sent) out.release();
        throw error;
      }
    }),
  );
}

async function rpc(
  deps: SmartHttpDeps,
  service: ServiceName,
  req: FastifyRequest<RepoParams>,
  reply: FastifyReply,
): Promise<unknown> {
  const started = performance.now();
  const repo = repoFromSegment(req.params.repo);
  if (repo === undefined) return textReply(reply, 404, 'repository not found');
  const outcome = await deps.gate.check(req.headers.authorization, repo, SERVICES[service].need);
  if (!outcome.allowed) return refuseGit(reply, deps.metrics, outcome);
  const limited = await deps.quota?.charge('git-rpc', outcome.identity?.subject, req.ip, 1, reply.raw);
  if (limited !== undefined) return refuseLimited(reply, deps.metrics, limited);

  if (req.headers['content-type'] !== `application/x-${service}-request`) {
    return textReply(reply, 415, `send Content-Type: application/x-${service}-request`);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    return textReply(reply, 415, `Content-Encoding ${encoding} is not supported; send gzip or none`);
  }
  const limit = service === 'git-upload-pack' ? deps.maxRequestBytes : deps.maxPushBytes;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    deps.metrics.rejected.inc({ reason: 'too_large' });
    return textReply(reply, 413, `the request body is larger than ${limit} bytes`);
  }

  const protocol = gitProtocol(req.headers['git-protocol']);
  const env: Record<string, string> = protocol === undefined ? {} : { GIT_PROTOCOL: protocol };
  const sniffer = service === 'git-upload-pack' ? new RequestSniffer() : undefined;
  const short = SERVICES[service].command;
  const result = await inSlot(deps, reply, () =>
    deps.git.session(gitArgs(deps, service, deps.disk.pathOf(repo), false), env, (child, stderr) =>
      exchange({ deps, service, req, reply, child, stderr, limit, gzip: encoding !== 'identity', sniffer }),
    ),
  );
  if (result === undefined) return;

  const kind = sniffer?.kind ?? 'push';
  deps.metrics.bytesIn[short].inc(result.bytesIn);
  deps.metrics.bytesOut[short].inc(result.bytesOut);
  deps.metrics.duration.observe({ service: short, kind }, (performance.now() - started) / 1000);
  if (kind === 'clone') deps.metrics.clones.inc();
  else if (kind === 'fetch') deps.metrics.fetches.inc();
  if (service === 'git-receive-pack') {
    deps.metrics.pushes.inc({ result: result.code === 0 ? 'ok' : 'failed' });
    await deps.pushed(repo);
  }
  req.log.info(
    {
      repo,
      service: short,
      kind,
      subject: outcome.identity?.subject,
      code: result.code,
      bytesIn: result.bytesIn,
      bytesOut: result.bytesOut,
      ms: Math.round(performance.now() - started),
    },
    'git',
  );
}

interface Exchanged {
  readonly code: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

interface ExchangeArgs {
  readonly deps: SmartHttpDeps;
  readonly service: ServiceName;
  readonly req: FastifyRequest<RepoParams>;
  readonly reply: FastifyReply;
  readonly child: GitChild;
  readonly stderr: () => string;
  readonly limit: number;
  readonly gzip: boolean;
  readonly sniffer: RequestSniffer | undefined;
}

/**
 * Streams the request into git and git's answer back; resolves once git has
 * exited and the answer is sent, or with undefined when it answered an error.
 */
async function exchange(a: ExchangeArgs): Promise<Exchanged | undefined> {
  const { child, reply } = a;
  const limit = new BodyLimit(a.limit, a.sniffer ? (chunk) => a.sniffer?.write(chunk) : undefined);
  let inputError: unknown;
  const body = a.req.raw;
  // On a failure the pipeline closes git's stdin: git sees its input end early, fails and cleans up
  // after itself (a push's quarantined objects are removed). It is never killed for it.
  const feeding = pipeline(requestBody(body, a.gzip, limit), child.stdin).catch((error: unknown) => {
    // git stops reading once it has what it needs (EPIPE, or ECONNRESET on its socket); anything else ends the exchange.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') inputError = error;
  });

  const first = await child.stdout.next().catch(() => undefined);
  // A body that failed is answered as such even when git has begun to complain about its end.
  if (first === undefined || inputError !== undefined) {
    if (first !== undefined) {
      first.release();
      void child.stdout.drain();
    }
    const code = await child.exit;
    await feeding;
    if (inputError instanceof BodyAbortedError) {
      reply.hijack().raw.destroy(); // the client went away: nobody to answer
      return undefined;
    }
    if (inputError !== undefined) {
      // The rest of the body is not read: the connection closes after the answer.
      reply.header('connection', 'close');
      if (inputError instanceof BodyTooLargeError) {
        a.deps.metrics.rejected.inc({ reason: 'too_large' });
        textReply(reply, 413, inputError.message);
      } else textReply(reply, 400, `the request body could not be read: ${(inputError as Error).message}`);
      return undefined;
    }
    if (code !== 0) {
      if (!a.deps.disk.exists(repoOf(a.req))) textReply(reply, 404, 'repository not found');
      else {
        a.req.log.error({ service: a.service, code, stderr: a.stderr() }, 'git failed before answering');
        textReply(reply, 500, 'git failed; see the server log');
      }
      return undefined;
    }
  }

  const res = reply.hijack().raw;
  res.writeHead(200, { ...NO_CACHE, 'content-type': `application/x-${a.service}-result` });
  let bytesOut = 0;
  const sending =
    first === undefined
      ? new Promise<void>((resolve) => res.end(resolve))
      : sendOutput(first, child, res, a.service, (n) => {
          bytesOut += n;
        });
  const [code] = await Promise.all([child.exit, sending, feeding]);
  if (code !== 0 && !isGone(res)) {
    a.req.log.warn({ service: a.service, code, stderr: a.stderr() }, 'git exited with an error after answering');
  }
  return { code, bytesIn: limit.bytes, bytesOut };
}

/**
 * Writes git's answer to the response, each pooled chunk given back once the
 * socket is done with it, waiting for the socket when it is full. When the
 * client goes away first, a fetch is stopped (nothing changes on the server),
 * but a push is left to finish on its own, its output drained, so that its
 * ref updates are either done or never started: killing it could leave a ref
 * lock behind.
 */
async function sendOutput(
  first: Chunk,
  child: GitChild,
  res: ServerResponse,
  service: ServiceName,
  sent: (bytes: number) => void,
): Promise<void> {
  let gone = false;
  const onClose = () => {
    gone = !res.writableFinished;
  };
  res.once('close', onClose);
  try {
    for (
      let chunk: Chunk | undefined = first;
      chunk !== undefined;
      chunk = await child.stdout.next().catch(() => undefined)
    ) {
      if (gone) {
        chunk.release();
        break;
      }
      sent(chunk.bytes.length);
      const written = chunk;
      if (!res.write(written.bytes, () => written.release())) await writable(res);
    }
  } finally {
    res.off('close', onClose);
  }
  if (!gone) {
    await new Promise<void>((resolve) => res.end(resolve));
    return;
  }
  if (service === 'git-upload-pack') child.kill('SIGTERM');
  await child.stdout.drain();
}

/** Resolves when the response can take more (drain), or will take nothing more (close). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

const repoOf = (req: FastifyRequest<RepoParams>): string => repoFromSegment(req.params.repo) ?? '';
const isGone = (res: ServerResponse): boolean => res.destroyed && !res.writableFinished;

/** Runs `work` in a git slot; a full bulkhead or an open circuit is answered with 503 at once (then undefined). */
async function inSlot<T>(deps: SmartHttpDeps, reply: FastifyReply, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (reply.sent) throw error;
    if (error instanceof BulkheadFullError || error instanceof BreakerOpenError || error instanceof GitSpawnError) {
      const reason = error instanceof BulkheadFullError ? 'busy' : 'unavailable';
      deps.metrics.rejected.inc({ reason });
      reply.header('retry-after', error instanceof BulkheadFullError ? '1' : '5');
      textReply(
        reply,
        503,
        error instanceof BulkheadFullError
          ? 'the server is serving as many git requests as it can; retry shortly'
          : 'git cannot be started on the server now; retry shortly',
      );
      return undefined;
    }
    throw error;
  }
}
