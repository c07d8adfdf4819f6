import { expect, it } from 'vitest';
import { ConfigError, EnvReader, redactUrl } from '../src/index.js';

it('reads typed values with defaults', () => {
  const env = new EnvReader('app', { PORT: '8080', WORKERS: ' 2 ', ALG: 'EdDSA', EMPTY: '' });
  expect(env.port('PORT', 1)).toBe(8080);
  expect(env.integer('WORKERS', 1, { min: 1, max: 8 })).toBe(2);
  expect(env.oneOf('ALG', ['ES256', 'EdDSA'], 'ES256')).toBe('EdDSA');
  expect(env.string('EMPTY', 'fallback')).toBe('fallback');
  expect(env.optionalUrl('DATABASE_URL', ['postgres:'])).toBeUndefined();
  env.done();
});

it('reports every wrong variable at once, each with what it got and what it takes', () => {
  const env = new EnvReader('auth-server', {
    PORT: 'eighty',
    WORKERS: '0',
    ALG: 'RS1',
    DATABASE_URL: 'mysql://x',
    REDIS_URL: 'not a url',
  });
  env.port('PORT', 1);
  env.integer('WORKERS', 1, { min: 1, max: 8 });
  env.oneOf('ALG', ['ES256', 'EdDSA'], 'ES256');
  env.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  env.optionalUrl('REDIS_URL', ['redis:']);
  let error: unknown;
  try {
    env.done();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([
    'PORT',
    'WORKERS',
    'ALG',
    'DATABASE_URL',
    'REDIS_URL',
  ]);
  expect((error as Error).message).toContain('PORT: got "eighty"; set an integer from 0 to 65535');
  expect((error as Error).message).toContain('DATABASE_URL: has protocol mysql:; set a postgres: or postgresql: URL');
});

it('redacts the password of a URL for logs', () => {
  expect(redactUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});
