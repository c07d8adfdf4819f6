// The apps' pino options: JSON lines, and every place a secret can appear in
// a request or a log object replaced by "[redacted]" before it is written.
import type { LoggerOptions } from 'pino';

/** Paths pino censors in every log line (fastify logs `req` with its headers). */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.clientSecret',
  '*.token',
  '*.access_token',
  '*.client_assertion',
  '*.privateKey',
  '*.databaseUrl',
  '*.redisUrl',
];

export function loggerOptions(app: string, level: string, extraRedactions: readonly string[] = []): LoggerOptions {
  return {
    level,
    name: app,
    redact: { paths: [...REDACTED_PATHS, ...extraRedactions], censor: '[redacted]' },
  };
}
