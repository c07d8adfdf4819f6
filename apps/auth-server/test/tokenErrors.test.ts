// Every RFC 6749 §5.2 error of the token endpoint, and malformed requests,
// over real HTTP: the right error code and status each time, the response
// never cached, never a 500.
import { seededRandom } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startAuthServer } from './helpers.js';

let running: Running;
const secret = 'the-secret-of-the-orders-app-client';
const basic = (id: string, s: string) => `Basic ${Buffer.from(`${id}:${s}`).toString('base64')}`;
const ok = basic('orders-app', secret);

beforeAll(async () => {
  running = await startAuthServer();
  await running.putClient('orders-app', { secret, scopes: ['orders:read'], audiences: ['https://api.example/orders'] });
  await running.putClient('introspector', {
    secret,
    scopes: [],
    audiences: ['https://api.example/orders'],
    grantTypes: [],
  });
});
afterAll(() => running?.stop());

interface Case {
  readonly name: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly error: string;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const cases: Case[] = [
  {
    name: 'a JSON body',
    body: '{"grant_type":"client_credentials"}',
    headers: { 'content-type': 'application/json', authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'no content type',
    body: 'grant_type=client_credentials',
    headers: { 'content-type': '', authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'grant_type twice',
    body: 'grant_type=client_credentials&grant_type=client_credentials',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'scope twice',
    body: 'grant_type=client_credentials&scope=orders:read&scope=orders:read',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'no grant_type',
    body: 'scope=orders:read',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'bad percent-encoding',
    body: 'grant_type=%E0%A4%A',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'an oversized body',
    body: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}`,
    headers: { ...form, authorization: ok },
    status: 413,
    error: 'invalid_request',
  },
  {
    name: 'the password grant',
    body: 'grant_type=password&username=a&password=b',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'unsupported_grant_type',
  },
  {
    name: 'no client authentication',
    body: 'grant_type=client_credentials',
    headers: form,
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'a wrong secret',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: basic('orders-app', 'wrong') },
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'an unknown client',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: basic('nobody', secret) },
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'a Basic header that is not base64',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: 'Basic !!!' },
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'a Basic header without a colon',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: `Basic ${Buffer.from('orders-app').toString('base64')}` },
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'a Bearer header',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: 'Bearer abc' },
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'two authentication methods',
    body: `grant_type=client_credentials&client_id=orders-app&client_secret=${secret}`,
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'client_secret_post without client_id',
    body: `grant_type=client_credentials&client_secret=${secret}`,
    headers: form,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'a garbage client assertion',
    body: 'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=not.a.jwt',
    headers: form,
    status: 401,
    error: 'invalid_client',
  },
  {
    name: 'a wrong client_assertion_type',
    body: 'grant_type=client_credentials&client_assertion_type=saml&client_assertion=x',
    headers: form,
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'a client not allowed the grant',
    body: 'grant_type=client_credentials',
    headers: { ...form, authorization: basic('introspector', secret) },
    status: 400,
    error: 'unauthorized_client',
  },
  {
    name: 'a scope the client may not have',
    body: 'grant_type=client_credentials&scope=orders:write',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_scope',
  },
  {
    name: 'scopes separated by two spaces',
    body: 'grant_type=client_credentials&scope=orders:read++orders:read',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_scope',
  },
  {
    name: 'a resource the client may not address',
    body: 'grant_type=client_credentials&resource=https%3A%2F%2Fevil.example',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_target',
  },
  {
    name: 'a resource with a fragment',
    body: 'grant_type=client_credentials&resource=https%3A%2F%2Fapi.example%2Forders%23x',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_target',
  },
  {
    name: 'a relative resource',
    body: 'grant_type=client_credentials&resource=%2Forders',
    headers: { ...form, authorization: ok },
    status: 400,
    error: 'invalid_target',
  },
];

async function post(body: string, headers: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
  const res = await fetch(`${running.base}/oauth/token`, { method: 'POST', headers: clean, body });
  return { res, json: (await res.json()) as Record<string, unknown> };
}

describe('the token endpoint answers each bad request with its RFC 6749 §5.2 error', () => {
  it.each(cases)('$name → $status $error', async ({ body, headers, status, error }) => {
    const { res, json } = await post(body, headers);
    expect({ status: res.status, error: json.error }).toEqual({ status, error });
    expect(json.error_description).toEqual(expect.any(String));
    expect(res.headers.get('cache-control')).toBe('no-store');
    if (status === 401 && !body.includes('client_assertion')) {
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
  });

  it('a good request still gets a token with no-store (the table above is not failing for some other reason)', async () => {
    const { res, json } = await post('grant_type=client_credentials&scope=orders:read', { ...form, authorization: ok });
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('500 random malformed bodies and headers: always a 4xx OAuth error, never a 500', async () => {
    const random = seededRandom(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const pieces = [
      'grant_type',
      'client_credentials',
      'scope',
      '%',
      '%zz',
      '=',
      '&',
      '+',
      'client_id',
      'resource',
      '\u00e9',
      '%00',
      'client_assertion',
      '.',
      'a',
    ];
    const auths = ['', ok, 'Basic', 'Basic =', 'Basic Og==', basic('', ''), 'Digest x', 'Basic ' + 'A'.repeat(2000)];
    const types = [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'text/plain',
      'multipart/form-data',
      '',
    ];
    for (let i = 0; i < 500; i++) {
      const body = Array.from({ length: Math.floor(random() * 12) }, () => pick(pieces)).join('');
      const { res, json } = await post(body, { 'content-type': pick(types), authorization: pick(auths) });
      if (res.status === 200) continue; // a random body can be a valid request
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
      expect(json.error, body).toEqual(expect.any(String));
    }
  }, 120_000);
});
