// Revocations pushed over real Redis pub/sub, as an auth server would.
import { randomBytes } from 'node:crypto';
import { manualClock, redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRevocation, pubSubRevocationSource, type Verifier } from '../src/index.js';
import { ecVerifier, joseSign } from './helpers.js';

const service = await redis();

describe.skipIf(service.skip)('pubSubRevocationSource over Redis', () => {
  const channel = `perf-jwt-cache-test:${randomBytes(6).toString('hex')}`;
  const clock = manualClock();
  let publisher: Redis;
  let subscriber: Redis;
  let verifier: Verifier;
  const received: string[] = [];
  let onApplied: (() => void) | undefined;

  beforeAll(async () => {
    publisher = new Redis(service.url);
    subscriber = new Redis(service.url);
    // Resolves the test's wait once the verifier has seen a message.
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      received.push(message);
      queueMicrotask(() => onApplied?.());
    });
    verifier = await ecVerifier(clock, {
      revocation: pubSubRevocationSource({
        subscriber,
        channel,
        onInvalidMessage: (m) => received.push(`invalid:${m}`),
      }),
    });
  });

  afterAll(async () => {
    await verifier.close();
    publisher.disconnect();
    subscriber.disconnect();
  });

  async function publish(message: string): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      onApplied = resolve;
    });
    await publisher.publish(channel, message);
    await seen;
  }

  function code(token: string): string {
    try {
      verifier.verifySync(token);
      return 'ACCEPTED';
    } catch (e) {
      return (e as { code: string }).code;
    }
  }

  it('refuses a cached token once its jti is published, and a subject’s older tokens', async () => {
    const now = clock.seconds();
    const a = await joseSign({ jti: 'a', sub: 'alice', iat: now, exp: now + 600 });
    const b = await joseSign({ jti: 'b', sub: 'bob', iat: now - 5, exp: now + 600 });
    expect(code(a)).toBe('ACCEPTED');
    expect(code(b)).toBe('ACCEPTED');
    await publish(encodeRevocation({ jti: 'a', untilMs: (now + 600) * 1000 }));
    expect(code(a)).toBe('PERF_JWT_CACHE_REVOKED');
    expect(code(b)).toBe('ACCEPTED');
    await publish(encodeRevocation({ sub: 'bob', issuedBefore: now }));
    expect(code(b)).toBe('PERF_JWT_CACHE_REVOKED');
  });

  it('applies a jti published without untilMs, or with the `until` of before 0.1.0 (revoked, never reported invalid)', async () => {
    const now = clock.seconds();
    const c = await joseSign({ jti: 'c', exp: now + 600 });
    expect(code(c)).toBe('ACCEPTED');
    await publish('{"jti":"c","until":1}');
    expect(code(c)).toBe('PERF_JWT_CACHE_REVOKED');
    expect(received.at(-1)).toBe('{"jti":"c","until":1}'); // applied, not reported invalid
  });

  it('purges a key id published on the channel, and reports invalid messages', async () => {
    await publish('{"not":"a revocation"}');
    expect(received.at(-1)).toBe('invalid:{"not":"a revocation"}');
    const token = await joseSign({ exp: clock.seconds() + 600 });
    expect(code(token)).toBe('ACCEPTED');
    await publish(encodeRevocation({ kid: 'k1' }));
    expect(code(token)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
  });
});
