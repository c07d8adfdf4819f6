// Remote JWKS against a real node:http server on loopback; time is a manual clock.

import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { manualClock } from '@perf/testing';
import { exportJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheControlMaxAge,
  channelNames,
  createVerifier,
  type RemoteJwksOptions,
  type VerifierOptions,
} from '../src/index.js';
import { ec, ec2, joseSign, listen } from './helpers.js';
import { nextJwksFetch } from './jwksEndpoint.js';

interface Reply {
  status: number;
  keys: JWK[];
  cacheControl?: string;
  /** When set, the response waits for this promise (to hold requests in flight). */
  gate?: Promise<void>;
}

let k1: JWK;
let k2: JWK;
let reply: Reply;
const requests: string[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  requests.push(req.url ?? '');
  if (req.url === '/redirect') {
    res.writeHead(302, { location: '/.well-known/jwks.json' }).end();
    return;
  }
  if (req.url === '/endless' || req.url === '/declared-huge') {
    // A body far over the 1 MB limit, written as fast as the client reads it:
    // the client must stop reading at the limit (and close) rather than buffer it all.
    const declared = req.url === '/declared-huge';
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declared ? { 'content-length': String(HUGE_BODY) } : {}),
    });
    const chunk = Buffer.alloc(64 << 10, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < HUGE_BODY && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => bodyClosed({ sent, complete: res.writableFinished }));
    res.write('{"keys":[],"pad":"');
    pump();
    return;
  }
  if (req.url === '/huge') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"keys":[],"pad":"${'x'.repeat(2 << 20)}"}`);
    return;
  }
  const r = reply;
  void (r.gate ?? Promise.resolve()).then(() => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (r.cacheControl !== undefined) headers['cache-control'] = r.cacheControl;
    res.writeHead(r.status, headers).end(r.status === 200 ? JSON.stringify({ keys: r.keys }) : 'down');
  });
});
let url: string;
/** 64 MB: far beyond the 1 MB limit and the loopback socket buffers. */
const HUGE_BODY = 64 << 20;
/** Resolved by the huge-body handler when its response closes: how much it wrote, and whether all of it. */
let bodyClosed: (run: { sent: number; complete: boolean }) => void = () => {};

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  k1 = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  k2 = { ...(await exportJWK(ec2.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
});
afterAll(() => {
  server.close();
  server.closeAllConnections();
});

function setup(jwks: Partial<RemoteJwksOptions> = {}, extra: Partial<VerifierOptions> = {}) {
  requests.length = 0;
  reply = { status: 200, keys: [k1], cacheControl: 'public, max-age=100' };
  const clock = manualClock();
  const verifier = createVerifier({ jwks: { url, ...jwks }, algorithms: ['ES256'], now: clock.now, ...extra });
  return { clock, verifier };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ACCEPTED';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('remote JWKS', () => {
  it('fetches once, then honours Cache-Control max-age, refreshing in the background when stale', async () => {
    const { clock, verifier } = setup({}, { cache: false });
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    expect(v.verifySync.bind(v, token)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_SYNC_UNAVAILABLE' }));
    await v.verify(token);
    clock.advance(99_000);
    await v.verify(token);
    v.verifySync(token);
    expect(requests).toHaveLength(1);
    clock.advance(1000);
    const fetched = nextJwksFetch();
    await v.verify(token); // served with the keys in hand while the refresh runs
    expect(await fetched).toMatchObject({ ok: true });
    expect(requests).toEqual(['/.well-known/jwks.json', '/.well-known/jwks.json']);
    expect(v.stats()).toMatchObject({ keyFetches: 2, keyFetchFailures: 0 });
    await v.close();
  });

  it('refetches once for many concurrent unknown kids (single-flight), after the cooldown', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 30 });
    const v = await verifier;
    await v.verify(await joseSign({ exp: clock.seconds() + 3600 }));
    reply = { status: 200, keys: [k1, k2] };
    const t2 = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid: 'k2' });
    // Within the cooldownSeconds: refused without a fetch.
    expect(await code(v.verify(t2))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(requests).toHaveLength(1);
    clock.advance(30_000);
    let open!: () => void;
    reply.gate = new Promise((r) => {
      open = r;
    });
    const all = Array.from({ length: 20 }, () => v.verify(t2));
    await once(server, 'request');
    open();
    const results = await Promise.all(all);
    expect(results.every((c) => c.exp !== undefined)).toBe(true);
    expect(requests).toHaveLength(2);
    await v.close();
  });

  it('never fetches more than maxFetchesPerMinute, whatever asks', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 0, maxFetchesPerMinute: 3 });
    const v = await verifier;
    await v.verify(await joseSign({ exp: clock.seconds() + 3600 }));
    for (let i = 0; i < 10; i++) {
      const t = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid: `unknown-${i}` });
      expect(await code(v.verify(t))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    }
    expect(requests).toHaveLength(3);
    clock.advance(60_000);
    const t = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid: 'unknown-x' });
    expect(await code(v.verify(t))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(requests).toHaveLength(4);
    await v.close();
  });

  it('keeps the stale keys while the endpoint is down', async () => {
    const { clock, verifier } = setup({}, { cache: false });
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    await v.verify(token);
    reply = { status: 503, keys: [] };
    clock.advance(200_000);
    const fetched = nextJwksFetch();
    await v.verify(token);
    expect(await fetched).toMatchObject({ ok: false });
    expect(await code(v.verify(token))).toBe('ACCEPTED');
    expect(v.verifySync(token).exp).toBeDefined();
    expect(v.stats()).toMatchObject({ keyFetches: 2, keyFetchFailures: 1 });
    await v.close();
  });

  it('fails with KEY_FETCH when no keys were ever fetched, and never negative-caches it', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 0 }, { negativeCache: {} });
    reply = { status: 500, keys: [] };
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    reply = { status: 200, keys: [k1] };
    expect(await code(v.verify(token))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ negativeHits: 0, keyFetchFailures: 2 });
    expect(v.stats().rejectedByReason.key_fetch).toBe(2);
    await v.close();
  });

  it('waits for the cooldown before retrying a failed first fetch (no retry per request while the endpoint is down)', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 30, maxFetchesPerMinute: 6 });
    reply = { status: 503, keys: [] };
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    for (let i = 0; i < 5; i++) expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    expect(requests).toHaveLength(1);
    reply = { status: 200, keys: [k1] };
    clock.advance(29_999);
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    clock.advance(1);
    expect(await code(v.verify(token))).toBe('ACCEPTED');
    expect(requests).toHaveLength(2);
    await v.close();
  });

  it('drops results of a key rotated out of the JWKS at once', async () => {
    const { clock, verifier } = setup();
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    await v.verify(token);
    await v.verify(token);
    expect(v.stats().hits).toBe(1);
    reply = { status: 200, keys: [k2], cacheControl: 'max-age=100' };
    clock.advance(100_000);
    const fetched = nextJwksFetch();
    await v.verify(token); // still served by the stale key set while refreshing
    await fetched;
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    await v.close();
  });

  it('skips a JWK with odd members (key_ops: null, crv: "constructor", kty: "toString") instead of failing the whole rotation', async () => {
    const { clock, verifier } = setup();
    const v = await verifier;
    const old = await joseSign({ exp: clock.seconds() + 3600 });
    await v.verify(old);
    // The issuer rotates k1 out; its new JWKS also carries two keys we cannot use.
    reply = {
      status: 200,
      keys: [
        { ...k2, key_ops: null } as unknown as JWK,
        { kty: 'EC', kid: 'odd', crv: 'constructor' },
        { kty: 'toString', kid: 'odd2', alg: 'ES256' },
        k2,
      ],
      cacheControl: 'max-age=100',
    };
    clock.advance(100_000);
    const fetched = nextJwksFetch();
    await v.verify(old); // served by the stale key set while refreshing
    expect(await fetched).toMatchObject({ ok: true });
    expect(await code(v.verify(old))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    const fresh = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid: 'k2' });
    expect(await code(v.verify(fresh))).toBe('ACCEPTED');
    await v.close();
  });

  it('keeps a purged kid out even when the JWKS still lists it', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 0 });
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    await v.verify(token);
    v.purgeKid('k1');
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(requests.length).toBeGreaterThan(1); // it did refetch, and still refused
    await v.close();
  });

  it('never puts a kid into the request (path or URL tricks)', async () => {
    const { clock, verifier } = setup({ cooldownSeconds: 0 });
    const v = await verifier;
    for (const kid of ['../../admin', 'http://attacker.example/x', '?kid=1', '%2e%2e']) {
      const t = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid });
      expect(await code(v.verify(t))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      clock.advance(60_000);
    }
    expect(new Set(requests)).toEqual(new Set(['/.well-known/jwks.json']));
    await v.close();
  });

  it('takes no secret (oct) keys from a remote JWKS', async () => {
    const { clock, verifier } = setup({}, { algorithms: ['ES256', 'HS256'] });
    const v = await verifier;
    reply.keys = [k1, { kty: 'oct', kid: 'h', alg: 'HS256', k: Buffer.alloc(32, 1).toString('base64url') }];
    const hs = await joseSign({ exp: clock.seconds() + 3600 }, new Uint8Array(32).fill(1), { alg: 'HS256', kid: 'h' });
    expect(await code(v.verify(hs))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    await v.close();
  });

  it.each([
    ['a redirect', '/redirect'],
    ['a body over 1 MB', '/huge'],
  ])('refuses %s from the JWKS endpoint (KEY_FETCH)', async (_name, path) => {
    const { clock, verifier } = setup({ url: new URL(path, url) });
    const v = await verifier;
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    expect(requests).toEqual([path]);
    await v.close();
  });

  it.each([
    ['an endless chunked body', '/endless'],
    ['a Content-Length over 1 MB', '/declared-huge'],
  ])('stops reading %s at the 1 MB limit instead of buffering it (KEY_FETCH)', async (_name, path) => {
    const { clock, verifier } = setup({ url: new URL(path, url), timeoutMs: 60_000 });
    const v = await verifier;
    const closed = new Promise<{ sent: number; complete: boolean }>((resolve) => {
      bodyClosed = resolve;
    });
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    expect(await code(v.verify(token))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    expect(v.stats()).toMatchObject({ keyFetches: 1, keyFetchFailures: 1 });
    const run = await closed;
    expect(run.complete).toBe(false); // the client hung up before the server wrote it all
    expect(run.sent).toBeLessThan(HUGE_BODY);
    await v.close();
  });

  it('abandons an in-flight fetch on close() and refuses the waiting verification', async () => {
    const { clock, verifier } = setup();
    reply.gate = new Promise(() => {}); // the endpoint never answers
    const v = await verifier;
    const pending = v.verify(await joseSign({ exp: clock.seconds() + 3600 }));
    await once(server, 'request');
    await v.close();
    expect(await code(pending)).toBe('PERF_JWT_CACHE_CLOSED');
  });

  it.each<[string, Partial<RemoteJwksOptions>, string]>([
    ['a non-http URL', { url: 'file:///etc/passwd' }, 'jwks.url'],
    ['a string that is no URL', { url: 'not a url' }, 'jwks.url'],
    ['a negative defaultMaxAgeSeconds', { defaultMaxAgeSeconds: -1 }, 'jwks.defaultMaxAgeSeconds'],
    ['an infinite minMaxAgeSeconds', { minMaxAgeSeconds: Number.POSITIVE_INFINITY }, 'jwks.minMaxAgeSeconds'],
    [
      'a maxMaxAgeSeconds below minMaxAgeSeconds',
      { minMaxAgeSeconds: 60, maxMaxAgeSeconds: 30 },
      'jwks.maxMaxAgeSeconds',
    ],
    ['a NaN cooldownSeconds', { cooldownSeconds: Number.NaN }, 'jwks.cooldownSeconds'],
    ['a zero maxFetchesPerMinute', { maxFetchesPerMinute: 0 }, 'jwks.maxFetchesPerMinute'],
    ['a zero timeoutMs', { timeoutMs: 0 }, 'jwks.timeoutMs'],
    ['a fractional timeoutMs (AbortSignal.timeout would throw at every fetch)', { timeoutMs: 1.5 }, 'jwks.timeoutMs'],
    ['headers with a value that is not a string', { headers: { 'x-api-key': 1 } as never }, 'jwks.headers'],
  ])('rejects %s as an invalid option, before any fetch', async (_name, jwks, option) => {
    requests.length = 0;
    await expect(createVerifier({ jwks: { url, ...jwks }, algorithms: ['ES256'] })).rejects.toMatchObject({
      code: 'PERF_JWT_CACHE_INVALID_OPTION',
      option,
    });
    expect(requests).toEqual([]);
  });

  it("publishes each fetch and each key it ignores with the verifier's name, and sends the configured headers", async () => {
    requests.length = 0;
    reply = { status: 200, keys: [k1, { ...k2, use: 'enc' }], cacheControl: 'max-age=100' };
    const clock = manualClock();
    const v = await createVerifier({
      name: 'orders-api',
      jwks: { url, headers: { 'x-api-key': 'k' } },
      algorithms: ['ES256'],
      now: clock.now,
    });
    const fetches = listen(channelNames.jwksFetch);
    const ignored = listen(channelNames.keyIgnored);
    const seen = once(server, 'request');
    await v.verify(await joseSign({ exp: clock.seconds() + 3600 }));
    fetches.stop();
    ignored.stop();
    expect(((await seen)[0] as IncomingMessage).headers['x-api-key']).toBe('k');
    expect(fetches.messages).toEqual([{ name: 'orders-api', url, ok: true, status: 200, keys: 1 }]);
    expect(ignored.messages).toEqual([{ name: 'orders-api', kid: 'k2', why: '"use" is enc' }]);
    expect(v.stats()).toMatchObject({ name: 'orders-api', keyFetches: 1 });
    await v.close();
  });
});

describe('cacheControlMaxAge', () => {
  it.each([
    ['public, max-age=300', 300],
    ['max-age="60", must-revalidate', 60],
    ['no-cache', 0],
    ['private, no-store', 0],
    ['public', undefined],
    [null, undefined],
  ])('%j → %j', (header, expected) => {
    expect(cacheControlMaxAge(header)).toBe(expected);
  });
});
