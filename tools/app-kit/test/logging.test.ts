import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { loggerOptions } from '../src/index.js';

it('writes no secret: authorization headers, client secrets, assertions, passwords and URLs are redacted', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = pino(loggerOptions('app', 'info'), sink);
  log.info({ req: { headers: { authorization: 'Basic ZGVtbzpzM2NyZXQ=', cookie: 'sid=abc' } } }, 'request');
  log.info({ body: { client_secret: 's3cret', client_assertion: 'eyJ.x.y', password: 'pw' } }, 'form');
  log.info({ config: { databaseUrl: 'postgres://u:pw@h/db', redisUrl: 'redis://:pw@h' } }, 'config');
  const out = lines.join('');
  for (const secret of ['ZGVtbzpzM2NyZXQ=', 'sid=abc', 's3cret', 'eyJ.x.y', '"pw"', 'u:pw@h', ':pw@h']) {
    expect(out).not.toContain(secret);
  }
  expect(out.match(/\[redacted\]/g)).toHaveLength(7);
});
