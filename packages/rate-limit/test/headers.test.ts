// The header fields against the draft's own examples and rules, and the keys
// made from client addresses.
import { manualClock } from '@perf/testing';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError, InvalidOptionError, ipKey, RateLimiter, RateLimitHeaders } from '../src/index.js';

describe('RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  test('the draft’s example policy: "default";q=100;w=10', () => {
    const h = new RateLimitHeaders({ name: 'default', limit: 100, windowMs: 10_000, capacity: 100 });
    expect(h.policy).toBe('"default";q=100;w=10');
  });

  test('an allowed call: r is what is left, t the seconds until the quota is full again', () => {
    const clock = manualClock(0);
    const l = new RateLimiter({ name: 'api', algorithm: 'fixed-window', limit: 3, windowMs: 60_000, now: clock.now });
    const h = new RateLimitHeaders(l);
    expect(h.for(l.consume('k'))).toEqual({ 'RateLimit-Policy': '"api";q=3;w=60', RateLimit: '"api";r=2;t=60' });
    clock.set(30_500);
    expect(h.for(l.consume('k')).RateLimit).toBe('"api";r=1;t=30');
  });

  test('a refusal adds Retry-After, never earlier than t', () => {
    const clock = manualClock(0);
    const l = new RateLimiter({ name: 'api', limit: 1, windowMs: 10_000, burst: 2, now: clock.now });
    const h = new RateLimitHeaders(l);
    l.consume('k', 2);
    clock.set(2500);
    const refused = h.for(l.consume('k', 1));
    // 0.25 units back after 2.5 s; 1 unit needs 7.5 s more: 8 s, rounded up.
    expect(refused).toEqual({
      'RateLimit-Policy': '"api";q=1;w=10;perf-burst=2',
      RateLimit: '"api";r=0;t=8',
      'Retry-After': '8',
    });
  });

  test('Retry-After is at least 1 s', () => {
    const clock = manualClock(0);
    const l = new RateLimiter({ limit: 1000, windowMs: 1000, burst: 1, now: clock.now });
    l.consume('k');
    clock.set(0.5);
    expect(new RateLimitHeaders(l).for(l.consume('k'))['Retry-After']).toBe('1');
  });

  test('the policy name is a Structured Field String: quotes and backslashes escaped, non-ASCII refused', () => {
    const shape = { name: 'x', limit: 1, windowMs: 1000, capacity: 1 };
    expect(new RateLimitHeaders(shape, 'a"b\\c').policy).toBe('"a\\"b\\\\c";q=1;w=1');
    expect(() => new RateLimitHeaders(shape, 'café')).toThrow(InvalidOptionError);
    expect(() => new RateLimitHeaders(shape, 'a\nb')).toThrow(InvalidOptionError);
  });
});

describe('ipKey', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::abcd', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['/run/app.sock', '/run/app.sock'],
  ])('%s → %s', (address, key) => {
    expect(ipKey(address)).toBe(key);
  });

  test('other prefix lengths', () => {
    expect(ipKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
    expect(ipKey('2001:db8:1:2ff::1', 48)).toBe('2001:db8:1::/48');
    expect(ipKey('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1');
  });

  test('a bad prefix length is a typed error', () => {
    expect(() => ipKey('::1', 0)).toThrow(InvalidArgumentError);
    expect(() => ipKey('::1', 129)).toThrow(InvalidArgumentError);
  });
});
