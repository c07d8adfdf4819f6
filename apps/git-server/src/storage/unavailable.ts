// Telling "the database is out of reach" (answer 503, retry later) from any
// other database error (a bug: 500). SQLSTATE classes 08 (connection) and 57
// (operator intervention: shutdown, cannot connect now), 53300 (too many
// connections), 3D000 (the database is gone), any FATAL error (the server
// refused or ended the session, e.g. a database not accepting connections),
// and the socket errors of a server that is not there.
import { BreakerOpenError } from '@perf/circuit-breaker';

const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof BreakerOpenError) return true;
  if ((error as { severity?: unknown } | null)?.severity === 'FATAL') return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    // pg reports a connection lost mid-query as a plain Error.
    return /Connection terminated|connection (is )?closed|not queryable/i.test((error as Error | null)?.message ?? '');
  }
  return (
    code.startsWith('08') || code.startsWith('57') || code === '53300' || code === '3D000' || SOCKET_ERRORS.has(code)
  );
}
