import { EventEmitter } from 'node:events';
import { manualClock } from '@perf/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { pubSubRevocationSource, type RevocationSink, type RevocationSource } from '../src/index.js';
import { ecVerifier, errorCode, joseSign } from './helpers.js';

const clock = manualClock();
const make = (revocation?: RevocationSource) => ecVerifier(clock, revocation ? { revocation } : {});

describe('revocation', () => {
  it('revoke(jti) refuses that token at once, cached or not, and only that token', async () => {
    const v = await make();
    const exp = clock.seconds() + 600;
    const [a, b] = await Promise.all([joseSign({ jti: 'a', exp }), joseSign({ jti: 'b', exp })]);
    v.verifySync(a);
    v.revoke('a', exp * 1000);
    expect(errorCode(() => v.verifySync(a))).toBe('PERF_JWT_CACHE_REVOKED');
    expect(errorCode(() => v.verifySync(b))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ revoked: 1 });
    expect(v.stats().rejectedByReason.revoked).toBe(1);
  });

  it('remembers a revoke(jti, until) through clockTolerance after until, even when 1000+ revocations sweep the list', async () => {
    const v = await ecVerifier(clock, { clockTolerance: 60 });
    const exp = clock.seconds() + 10;
    const token = await joseSign({ jti: 'revoked', exp });
    v.verifySync(token);
    v.revoke('revoked', exp * 1000); // until = its exp, as the README suggests
    clock.advance(20_000); // past exp, but the token is still valid for clockTolerance
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_REVOKED');
    for (let i = 0; i < 1100; i++) v.revoke(`other-${i}`, 0); // sweeps entries past their until
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_REVOKED');
    clock.advance(60_000); // now past exp + clockTolerance: expired, and the entry may go
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_EXPIRED');
  });

  it('revokeSubject refuses the subject’s tokens issued before the cut-off, and those without iat', async () => {
    const v = await make();
    const now = clock.seconds();
    const old = await joseSign({ sub: 'alice', iat: now - 10, exp: now + 600 });
    const noIat = await joseSign({ sub: 'alice', exp: now + 600 });
    const fresh = await joseSign({ sub: 'alice', iat: now, exp: now + 600 });
    const bob = await joseSign({ sub: 'bob', iat: now - 10, exp: now + 600 });
    for (const t of [old, noIat, fresh, bob]) v.verifySync(t);
    v.revokeSubject('alice', now);
    expect(errorCode(() => v.verifySync(old))).toBe('PERF_JWT_CACHE_REVOKED');
    expect(errorCode(() => v.verifySync(noIat))).toBe('PERF_JWT_CACHE_REVOKED');
    expect(errorCode(() => v.verifySync(fresh))).toBe('ACCEPTED');
    expect(errorCode(() => v.verifySync(bob))).toBe('ACCEPTED');
  });

  it('takes revocations from a pluggable source, and unsubscribes on close()', async () => {
    // An in-process feed stands in for the auth server's pub/sub channel.
    const bus = new EventEmitter();
    let subscribed = 0;
    const source: RevocationSource = {
      subscribe(sink: RevocationSink) {
        subscribed++;
        const onJti = (jti: string) => sink.revoke(jti);
        const onKid = (kid: string) => sink.purgeKid(kid);
        bus.on('jti', onJti);
        bus.on('kid', onKid);
        return () => {
          subscribed--;
          bus.off('jti', onJti);
          bus.off('kid', onKid);
        };
      },
    };
    const v = await make(source);
    expect(subscribed).toBe(1);
    const token = await joseSign({ jti: 'x', exp: clock.seconds() + 600 });
    const other = await joseSign({ jti: 'y', exp: clock.seconds() + 600 });
    v.verifySync(token);
    v.verifySync(other);
    bus.emit('jti', 'x');
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_REVOKED');
    bus.emit('kid', 'k1');
    expect(errorCode(() => v.verifySync(other))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    await v.close();
    expect(subscribed).toBe(0);
    expect(bus.listenerCount('jti')).toBe(0);
  });
});

describe('pubSubRevocationSource options', () => {
  const subscriber = new Redis({ lazyConnect: true });
  it.each<[string, object, string]>([
    ['no subscriber', { channel: 'c' }, 'subscriber'],
    ['a subscriber without on/off', { subscriber: { subscribe: async () => {} }, channel: 'c' }, 'subscriber'],
    ['an empty channel', { subscriber, channel: '' }, 'channel'],
    [
      'an onInvalidMessage that is not a function',
      { subscriber, channel: 'c', onInvalidMessage: 'log' },
      'onInvalidMessage',
    ],
  ])('rejects %s with InvalidOptionError when it is made', (_name, options, option) => {
    expect(() => pubSubRevocationSource(options as never)).toThrow(
      expect.objectContaining({ code: 'PERF_JWT_CACHE_INVALID_OPTION', option }),
    );
  });

  it('takes an ioredis client as the subscriber', () => {
    expect(pubSubRevocationSource({ subscriber, channel: 'c' }).subscribe).toBeTypeOf('function');
    subscriber.disconnect();
  });
});
