// The HTTP header fields of draft-ietf-httpapi-ratelimit-headers (-10):
//   RateLimit-Policy: "name";q=<quota>;w=<window s>     (constant per limiter)
//   RateLimit: "name";r=<remaining>;t=<s until more quota>
// and Retry-After (RFC 9110, delay-seconds) on a refusal, never earlier than t.
// Both fields are Structured Field Lists whose items are Strings.
import type { Decision } from './decision.js';
import { InvalidOptionError } from './errors.js';
import type { Limiter } from './limiter.js';

/** The problem type the draft defines for a refused request (RFC 9457 problem details). */
export const QUOTA_EXCEEDED = 'https://iana.org/assignments/http-problem-types#quota-exceeded';

/** A Structured Field String: printable ASCII, with `"` and `\` escaped. */
function sfString(value: string, option: string): string {
  if (!/^[\x20-\x7e]*$/.test(value))
    throw new InvalidOptionError(option, 'printable ASCII (a Structured Field String)', value);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Precomputed header values of one limiter under one policy name. */
export class RateLimitHeaders {
  /** The `RateLimit-Policy` value, the same on every response. */
  readonly policy: string;
  readonly #name: string;

  /** `policy` names the quota in both fields (default: the limiter's `name`). */
  constructor(limiter: Pick<Limiter, 'name' | 'limit' | 'windowMs' | 'capacity'>, policy = limiter.name) {
    this.#name = sfString(policy, 'policy');
    const burst =
      Math.floor(limiter.capacity) !== Math.floor(limiter.limit) ? `;perf-burst=${Math.floor(limiter.capacity)}` : '';
    this.policy = `${this.#name};q=${Math.floor(limiter.limit)};w=${Math.max(1, Math.ceil(limiter.windowMs / 1000))}${burst}`;
  }

  /** The `RateLimit` value for a decision: on a refusal `t` is the wait for the refused cost, equal to Retry-After. */
  rateLimit(decision: Decision): string {
    const t = decision.allowed ? seconds(decision.resetMs) : retryAfterSeconds(decision);
    return `${this.#name};r=${Math.max(0, Math.floor(decision.remaining))};t=${t}`;
  }

  /** Every header for a decision: the two fields, plus `Retry-After` when refused. */
  for(decision: Decision): Record<string, string> {
    const headers: Record<string, string> = { 'RateLimit-Policy': this.policy, RateLimit: this.rateLimit(decision) };
    if (!decision.allowed) headers['Retry-After'] = String(retryAfterSeconds(decision));
    return headers;
  }
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000));
/** Whole seconds, at least 1: a client told "0" would retry at once and be refused again. */
const retryAfterSeconds = (d: Decision): number => Math.max(1, seconds(d.retryAfterMs));

/** What a refused request is answered with: 429 for the quota, 503 when Redis was down and the policy is fail-closed. */
export function refusal(decision: Decision, policyName: string): { status: 429 | 503; body: string } {
  if (decision.source === 'fail-closed') {
    return {
      status: 503,
      body: JSON.stringify({
        title: 'The rate limiter cannot decide right now; retry after the time in Retry-After',
        status: 503,
      }),
    };
  }
  return {
    status: 429,
    body: JSON.stringify({
      type: QUOTA_EXCEEDED,
      title: 'Request cannot be satisfied as assigned quota has been exceeded',
      status: 429,
      'violated-policies': [policyName],
    }),
  };
}
