// /metrics as a Prometheus scraper reads it (parsed by an independent parser).
import { parsePrometheusText } from '@perf/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postForm, type Running, startAuthServer } from './helpers.js';

let running: Running;
const secret = 'the-secret-of-the-metrics-client';
beforeAll(async () => {
  running = await startAuthServer();
  await running.putClient('metered', { secret, scopes: ['read'], audiences: ['https://api.example'] });
});
afterAll(() => running?.stop());

const ask = (id: string, s: string) => postForm(running.base, '/oauth/token', id, s);

it('counts token requests by outcome and client, their latency, and the client cache', async () => {
  for (let i = 0; i < 3; i++) expect((await ask('metered', secret)).status).toBe(200);
  expect((await ask('metered', 'wrong')).status).toBe(401);
  const res = await fetch(`${running.base}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = new Map(parsePrometheusText(await res.text()).map((f) => [f.name, f]));
  const value = (name: string, labels: Record<string, string> = {}) =>
    Number(
      families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value,
    );
  expect(value('auth_token_requests_total', { outcome: 'issued' })).toBe(3);
  expect(value('auth_token_requests_total', { outcome: 'invalid_client' })).toBe(1);
  expect(value('auth_tokens_issued_total', { client_id: 'metered' })).toBe(3);
  expect(families.get('auth_token_request_duration_seconds')?.metrics[0]?.count).toBe('4');
  expect(value('auth_client_cache_misses_total')).toBeGreaterThanOrEqual(1);
  expect(value('auth_client_cache_hits_total')).toBeGreaterThanOrEqual(3);
  expect(value('auth_database_breaker_open')).toBe(0);
  expect(families.has('process_cpu_seconds_total')).toBe(true);
});
