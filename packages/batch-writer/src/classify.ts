import type { ErrorVerdict } from './types.js';

// Node socket errors: the request may or may not have reached the server, so
// the batch is retried (the sinks make retries idempotent).
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

// SQLSTATE classes that say "try again", not "this row is wrong":
// 08 connection exception, 40 transaction rollback (serialization, deadlock),
// 53 insufficient resources, 57 operator intervention (e.g. 57P01 admin shutdown
// from pg_terminate_backend), 58 system error.
const RETRYABLE_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57', '58']);

// Errors of drivers that lost their connection without a code (node-postgres,
// ioredis).
const LOST_CONNECTION = /connection (terminated|is closed|closed|ended)|socket (hang up|closed)|timeout/i;

/**
 * The default `classify`: an error with `retryable: true`, a Node network error, a
 * transient SQLSTATE (classes 08, 40, 53, 57, 58) or a lost connection is retried;
 * anything else (constraint violation, bad value…) splits the batch to find the bad items.
 */
export function defaultClassify(error: unknown): ErrorVerdict {
  if (typeof error !== 'object' || error === null) return 'split';
  const e = error as { retryable?: unknown; code?: unknown; message?: unknown };
  if (e.retryable === true) return 'retry';
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return 'retry';
    if (/^[0-9A-Z]{5}$/.test(e.code) && RETRYABLE_SQLSTATE_CLASSES.has(e.code.slice(0, 2))) return 'retry';
  }
  if (typeof e.message === 'string' && LOST_CONNECTION.test(e.message)) return 'retry';
  return 'split';
}
