// How a refused git request is answered: plain text git prints (under a
// refused info/refs, as "remote: …"), no caching, and on 401 the Basic
// challenge that makes the git CLI ask its credential helper (or the user)
// for a token.
import type { FastifyReply } from 'fastify';
import type { Denied } from '../auth/gate.js';
import { NO_CACHE } from '../git/protocol.js';
import type { GitMetrics } from '../metrics.js';
import type { Limited } from '../userQuota.js';

export const BASIC_CHALLENGE = 'Basic realm="git-server", charset="UTF-8"';

const NOT_AUTH_FAILURES = new Set<Denied['reason']>(['anonymous', 'forbidden', 'not_found', 'unavailable']);

/** Counts the refusal: a token that failed is an auth failure, the rest are access denials. */
export function countRefusal(metrics: GitMetrics, denied: Denied): void {
  if (NOT_AUTH_FAILURES.has(denied.reason)) {
    if (denied.status !== 503) metrics.denied.inc({ status: String(denied.status) });
  } else metrics.authFailures.inc({ reason: denied.reason });
}

export function refuseGit(reply: FastifyReply, metrics: GitMetrics, denied: Denied): FastifyReply {
  countRefusal(metrics, denied);
  if (denied.status === 401) reply.header('www-authenticate', BASIC_CHALLENGE);
  if (denied.status === 503) reply.header('retry-after', '5');
  return textReply(reply, denied.status, denied.message);
}

/** 429 for a request over its caller's rate limit (the RateLimit and Retry-After headers are set already). */
export function refuseLimited(reply: FastifyReply, metrics: GitMetrics, limited: Limited): FastifyReply {
  metrics.rateLimited.inc({ quota: limited.quota, route: 'git', caller: limited.caller });
  // A refused POST's body (up to a whole push) is not read: the connection closes after the answer.
  if (reply.request.method === 'POST') reply.header('connection', 'close');
  return textReply(reply, 429, limited.message);
}

export function textReply(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).headers(NO_CACHE).type('text/plain; charset=utf-8').send(`${message}\n`);
}
